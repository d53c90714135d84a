#pragma once

#include <cstdint>
#include <string>

/// One URL on its way through the stages; a retry is the same Job again.
struct Job {
  std::uint64_t seq = 0;
  std::string url;       // as read, trimmed
  std::string target;    // what libcurl fetches
  std::string host_key;  // "host:port"
  int attempts = 0;      // attempts started so far
};
