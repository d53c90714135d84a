#pragma once

#include <cstdint>
#include <string>

namespace volley {

/// The process's resident set now, in bytes, from /proc/self/statm (one small read, cheap enough
/// for every progress redraw); 0 where /proc cannot be read.
std::uint64_t current_rss_bytes();

/// The highest resident set the process has had, in bytes: getrusage's ru_maxrss, which Linux
/// keeps in KiB, the same figure `/usr/bin/time -f %M` prints.
std::uint64_t peak_rss_bytes();

/// Bytes for people, in powers of 1024 with one decimal past KiB: "512 B", "18.4 MiB", "1.2 GiB".
std::string human_bytes(std::uint64_t bytes);

}  // namespace volley
