#pragma once

#include <optional>
#include <string>
#include <vector>

namespace volley {

/// The first of `inputs` ("-": stdin) that is the same file as the output `output` (empty:
/// stdout), or nullopt. Opening the output truncates it, so the run must refuse before that.
/// Only regular files count (stdin and stdout may both be /dev/null or one terminal), and an
/// output that does not exist yet is no input.
std::optional<std::string> input_same_as_output(const std::string& output, const std::vector<std::string>& inputs);

/// What a file the run writes besides its output (--summary-json, --state) would clobber: "the
/// output NAME" or "the input NAME" when `path` is the same file as the output (empty: stdout) or
/// one of `inputs`, by device and inode, or by path when one of them does not exist yet; else
/// nullopt (also for an empty `path`).
std::optional<std::string> same_as_output_or_input(const std::string& path, const std::string& output,
                                                   const std::vector<std::string>& inputs);

}  // namespace volley
