#pragma once

#include <string>

namespace volley {

// Where volley writes files it names (-o, --summary-json, --save), missing directories are
// created, as `mkdir -p` and wget do: a nightly script writing out/$day.jsonl works on its first
// night (docs/output.md).

/// Creates `dir` and each missing parent, mode 0755 less the umask. A component that exists is
/// left as it is. Empty on success, else "PART: why", PART the directory that could not be made.
[[nodiscard]] std::string make_directories(const std::string& dir);

/// make_directories() of the directory part of `path` (nothing for a name without a slash).
[[nodiscard]] std::string make_parent_directories(const std::string& path);

}  // namespace volley
