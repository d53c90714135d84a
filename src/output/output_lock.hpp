#pragma once

#include <string>

namespace volley {

/// Takes the exclusive flock(2) that every volley writing an output file holds for its run (-o,
/// -a, --resume), so that a second one stops before it truncates or interleaves lines under the
/// first. Only a regular file is locked: a pipe, a terminal or /dev/null is shared freely.
/// Returns "" once locked (or nothing to lock), else why not: "another volley (pid N) is writing
/// it" when the lock is held.
[[nodiscard]] std::string lock_output(int fd);

}  // namespace volley
