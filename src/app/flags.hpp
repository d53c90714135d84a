#pragma once

#include "app/options.hpp"

#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace volley {

// The flags of a run, declared to CLI11 in one place so that main() only parses, checks and runs.
// Each flag's own value is checked here (a range, a size, a URL); which flags may go together is
// check_flag_rules' (flag_rules.hpp).

/// Flags CLI11 checks as text and apply_flag_text converts after the rules: their Options fields
/// hold types CLI11 cannot fill (a size with a suffix, K/N, a duration).
struct FlagText {
  std::string max_body = "10M";
  std::string shard = "1/1";
  std::string max_age;
  std::string max_memory;
};

/// Declares every flag of a run on `app`, in --help's order, each writing into `o` or `text`.
void declare_flags(CLI::App& app, Options& o, FlagText& text);

/// Parses argv (argv[0] included) into what declare_flags bound. nullopt to go on, else the exit
/// status: 0 after --help or --version, exit_usage after a flag error, which it has logged (a
/// token beginning with `-` that CLI11 took for a URL is one: flag_taken_as_url).
[[nodiscard]] std::optional<int> parse_flags(CLI::App& app, int argc, char** argv);

/// -X, -H and -A held to the rules request objects are (-X only when `method_given`): empty, or
/// the message.
[[nodiscard]] std::string check_request_flags(const Options& o, bool method_given);

/// Converts what CLI11 checked in `text` into `o`.
void apply_flag_text(const FlagText& text, Options& o);

}  // namespace volley
