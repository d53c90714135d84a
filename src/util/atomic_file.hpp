#pragma once

#include <string>
#include <string_view>

namespace volley {

// Files that appear whole or not at all: the bytes go to a new temporary file beside the target
// (same directory, so the same file system), which rename(2) then puts in place. Nothing already
// at the target's name is ever opened: a FIFO cannot block, a hard link is not written through, a
// symlink is not followed. Used by --save and --summary-json.

/// Creates a new file of an unguessable name ".NAME.<random>.tmp" beside `path` (a dot first, so a
/// glob of the directory does not see it), exclusively and without following links; mode 0644
/// less the umask. Returns the descriptor with `temp` set, or -1 with errno set.
[[nodiscard]] int create_temp_beside(const std::string& path, std::string& temp);

/// Empty when a file can be created beside `path` (one is created and removed: access() says yes
/// to root on a read-only mount), else strerror of why not.
[[nodiscard]] std::string can_create_beside(const std::string& path);

/// Writes all of `data` to `fd`, retrying short writes and EINTR. False with errno set on failure
/// (ENOSPC for a write that made no progress).
[[nodiscard]] bool write_all(int fd, std::string_view data);

/// Replaces `path` with `data`, synced to disk first when `sync` (a crash then leaves the old file
/// or the new one, never an empty one). Empty on success, else strerror of the failure; no
/// temporary file is left either way.
[[nodiscard]] std::string replace_file(const std::string& path, std::string_view data, bool sync);

}  // namespace volley
