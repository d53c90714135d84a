#pragma once

#include "app/options.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

// The parts of reading the command line that are more than declaring flags to CLI11: parse_flags
// (flags.hpp) rewrites --links before app.parse(), main.cpp moves `-` to the inputs after it.

/// `--links` takes an optional value, `a` or `all`, written `--links=all` or `--links all`; any
/// other word after it (a URL) is not its value. CLI11 cannot say "only these words", so the
/// arguments (without argv[0]) are rewritten before parsing: `--links all` becomes
/// `--links=all` and a bare `--links` becomes `--links=a`. Nothing after `--` is touched.
std::vector<std::string> attach_links_value(std::vector<std::string> args);

/// `-` among the URL arguments is standard input, as `-i -`: it moves to the inputs (once).
void take_stdin_from_urls(Options& o);

/// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
/// adjacent characters each cost 1 (so `titel` is 1 from `title`).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The long flag (`--name`) that `typed` (`--nmae`, `--nmae=3`) most likely meant: the nearest by
/// edit_distance when it is near enough, else the one flag `typed` begins, else nullopt.
/// `flags` are names without dashes; the first wins a tie.
std::optional<std::string> closest_flag(std::string_view typed, const std::vector<std::string>& flags);

}  // namespace volley
