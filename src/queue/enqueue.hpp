#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace volley {

/// `volley enqueue QUEUE_URL [-i FILE]...`: what the command line decides.
struct EnqueueOptions {
  std::string queue;                // redis://HOST:PORT/STREAM
  std::vector<std::string> inputs;  // "-" is stdin; empty: stdin
  std::string output;               // lines for refused input; empty: stdout
  std::uint32_t shards = 0;         // N > 0: write STREAM:1 … STREAM:N by host (shard.hpp)
  bool quiet = false;
};

/// Adds one stream entry (field `line`) per input line that a run would fetch, in pipelined
/// batches; a line a run would refuse gets its usual JSON line instead and is not added. Says how
/// many were added on stderr. Returns the exit status: 0, 1 (some lines refused) or 2.
int run_enqueue(const EnqueueOptions& options);

}  // namespace volley
