#pragma once

#include "app/options.hpp"

#include <optional>
#include <string>

namespace volley {

/// What the flag rules need to know that the Options do not say.
struct FlagFacts {
  bool shard_given = false;      // --shard as typed is other than 1/1
  bool stdin_terminal = false;   // standard input is a terminal
  bool stdout_closed = false;    // standard output was closed at start (now /dev/null)
};

/// Why a run's flags cannot go together. `usage`: `message` is the usage text, printed as it is
/// rather than as one `volley: error:` line.
struct FlagConflict {
  std::string message;
  bool usage = false;
};

/// Every rule about which flags may be given together, in the order they are checked: the first
/// one broken, or nullopt. Pure: main.cpp gathers the facts.
///
/// Whether two files named (-o, -i, --summary-json, --state) are one file is not here: run()
/// asks the filesystem right before it opens them, since the answer is about the files as they
/// are then (a file that does not exist yet is compared by path), not about the flags.
[[nodiscard]] std::optional<FlagConflict> check_flag_rules(const Options& o, const FlagFacts& facts);

}  // namespace volley
