#pragma once

#include "app/options.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

// The parts of reading the command line that are more than declaring flags to CLI11: parse_flags
// (flags.hpp) rewrites --links before app.parse() and words its errors, main.cpp moves `-` to the
// inputs and hides -u's password after it.

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

/// What volley offers for a flag of curl's it does not take (`--request`, `-Z`, `--max-redirs=5`):
/// a clause to follow "unknown flag X; ", or nullopt when `typed` is no such flag of curl's.
std::optional<std::string> curl_flag_hint(std::string_view typed);

/// The one line for an unknown flag `typed` (its `=value` left out): curl's name for it, else the
/// near miss among `flags` (closest_flag), else a pointer to --help.
std::string unknown_flag_message(std::string_view typed, const std::vector<std::string>& flags);

/// A token that begins with `-` is never a URL: the first of `urls` that does (`-` alone aside,
/// it is stdin), among those given before `--` in `args` (argv without argv[0]), else nullopt.
/// CLI11 takes for arguments what it cannot read as a flag: `-7`, `---x`.
std::optional<std::string> flag_taken_as_url(const std::vector<std::string>& args,
                                             const std::vector<std::string>& urls);

/// Overwrites with `*` the value of -u/--user in argv (argv[0] left alone, nothing after `--`),
/// as curl does, so that ps and /proc/PID/cmdline do not show the password. `user` is the value
/// parsed: `-u VALUE`, `--user VALUE`, `--user=VALUE`, `-uVALUE` and `-suVALUE` are found.
void hide_user_value(int argc, char** argv, std::string_view user);

}  // namespace volley
