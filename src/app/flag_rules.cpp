#include "app/flag_rules.hpp"

#include "queue/redis_url.hpp"
#include "util/ascii.hpp"

namespace volley {

namespace {

// As grep does: a bare command at a prompt would wait on the terminal with no hint why.
constexpr const char* usage_text =
    "Usage: volley [OPTIONS] [URL...] [-i FILE]...   (or: COMMAND | volley [OPTIONS])\n"
    "Try 'volley --help' for more information.\n";

// Every line would come back as an entry to fetch, and the queue would never drain. This sees the
// spellings of one URL (a host's case, the default port written out); other names of one server
// (`localhost` for 127.0.0.1) are found on the connections at start (check_results_stream).
bool results_is_queue(const Options& o) {
  std::string why;
  const auto queue = parse_redis_url(o.queue, why), results = parse_redis_url(o.results, why);
  return queue && results && ascii_iequals(queue->host, results->host) && queue->port == results->port &&
         queue->stream == results->stream;
}

std::optional<std::string> queue_conflict(const Options& o, const FlagFacts& facts) {
  const bool queue = !o.queue.empty();
  if (queue && (!o.urls.empty() || !o.inputs.empty()))
    return "--queue reads its URLs from the queue: give no URL and no -i";
  // A worker would leave other shards' entries pending forever: `volley enqueue --shards` splits a queue.
  if (queue && facts.shard_given)
    return "--shard does not apply to --queue: split the queue with volley enqueue --shards N";
  // A queue's seqs are a worker's own count, not positions in a list: what is left is the
  // entries nobody acknowledged, which other workers take.
  // A crawl's frontier lives in one process; a fleet crawl is not designed yet (docs/crawl.md).
  if (queue && o.crawl) return "--crawl does not apply to --queue: crawl from a list or stdin";
  if (queue && o.resume) return "--resume does not apply to --queue: entries without a line stay pending for the workers";
  if (!o.results.empty() && (!queue || !o.output.empty())) return "--results needs --queue, and takes the place of -o";
  if (!o.results.empty() && results_is_queue(o))
    return "--results names the stream --queue reads: give the lines a stream of their own";
  return std::nullopt;
}

// --resume and -a read or extend a file: on stdout there is nothing to read back or append to.
// A crawl's frontier lives in one process: the links one shard finds to another shard's hosts
// would have nowhere to go (docs/crawl.md).
std::optional<std::string> crawl_conflict(const Options& o, const FlagFacts& facts) {
  if (o.crawl && facts.shard_given) return "--crawl does not apply to --shard: crawl each set of seeds in a run of its own";
  return std::nullopt;
}

std::optional<std::string> output_conflict(const Options& o, const FlagFacts& facts) {
  if (o.output.empty() && o.resume)
    return "--resume needs -o FILE: it fetches what FILE has no line for yet, and appends to it";
  if (o.output.empty() && o.append) return "-a/--append needs -o FILE";
  // What a crawl found and had yet to fetch is only known to its --state file (docs/crawl.md).
  if (o.resume && o.crawl && o.state.empty())
    return "--resume of a --crawl needs --state FILE: the pages found and not yet fetched are kept there";
  // Lines written to /dev/null in its place would be lost without a word.
  if (facts.stdout_closed && o.output.empty() && o.results.empty())
    return "standard output is closed: give -o FILE or an open stdout";
  return std::nullopt;
}

}  // namespace

std::optional<FlagConflict> check_flag_rules(const Options& o, const FlagFacts& facts) {
  if (auto message = queue_conflict(o, facts)) return FlagConflict{*message};
  if (o.queue.empty() && o.urls.empty() && o.inputs.empty() && facts.stdin_terminal)
    return FlagConflict{usage_text, true};
  if (auto message = output_conflict(o, facts)) return FlagConflict{*message};
  if (auto message = crawl_conflict(o, facts)) return FlagConflict{*message};
  return std::nullopt;
}

}  // namespace volley
