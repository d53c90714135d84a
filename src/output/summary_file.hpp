#pragma once

#include <string>

namespace volley {

// --summary-json FILE: a monitor reading FILE sees the previous summary or the new one, never
// half of one. The text goes to a temporary file beside FILE (same directory, so the same file
// system), is synced, and rename(2) puts it in place.

/// Empty when a file can be created beside `path` and `path` is not a directory, else why not.
/// Checked before the run, so that hours of fetching do not end unable to write the summary.
[[nodiscard]] std::string check_summary_path(const std::string& path);

/// Replaces `path` with `text` at once (permissions 0644 less the umask). Empty on success, else
/// why not; no temporary file is left either way.
[[nodiscard]] std::string write_file_atomically(const std::string& path, const std::string& text);

}  // namespace volley
