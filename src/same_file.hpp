#pragma once

#include <optional>
#include <string>
#include <vector>

/// The first of `inputs` ("-": stdin) that is the same file as the output `output` (empty:
/// stdout), or nullopt. Opening the output truncates it, so the run must refuse before that.
/// Only regular files count (stdin and stdout may both be /dev/null or one terminal), and an
/// output that does not exist yet is no input.
std::optional<std::string> input_same_as_output(const std::string& output, const std::vector<std::string>& inputs);

/// What --summary-json `summary` would replace at the end of the run: "the output NAME" or "the
/// input NAME" when it is the same file as the output (empty: stdout) or one of `inputs`, by
/// device and inode, or by path when one of them does not exist yet; else nullopt.
std::optional<std::string> summary_same_as(const std::string& summary, const std::string& output,
                                           const std::vector<std::string>& inputs);
