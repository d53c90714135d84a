#pragma once

#include "input/shard.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace volley {

/// Everything the command line decides, in one place; every stage reads its part.
struct Options {
  std::vector<std::string> urls;
  std::vector<std::string> inputs;  // "-" is stdin
  std::string output;               // empty: stdout
  bool append = false;              // -a: add to -o FILE instead of emptying it
  bool resume = false;              // --resume: fetch only what -o FILE has no line for yet

  int concurrency = 50;
  int per_host = 0;   // 0: no cap
  double rate = 0;    // new requests per second; 0: no cap
  std::size_t read_ahead = 100000;  // URLs held unstarted at most (Scheduler::wants_more)
  std::uint64_t max_memory = 0;     // --max-memory: resident set to stay under, by back-pressure; 0: none
  double per_host_delay = 0;        // seconds between two starts on one host:port
  int host_errors = 8;              // unreachable attempts in a row that give a host up; 0: never
  Shard shard;  // --shard K/N; 1/1 fetches every host
  bool robots = false;              // obey each origin's robots.txt (RobotsGate)

  // A work queue instead of files (docs/fleet.md).
  std::string queue;         // --queue redis://HOST:PORT/STREAM; empty: read files
  std::string group = "volley";
  std::string consumer;      // empty: HOSTNAME-PID
  double claim_after = 60;   // seconds an entry stays pending before another worker takes it
  int max_deliveries = 5;
  bool drain = false;        // end when the stream has no new and no pending entries
  std::string results;       // --results redis://HOST:PORT/STREAM: lines go there, not to stdout

  std::string method;
  std::vector<std::string> headers;
  std::optional<std::string> data;  // already loaded when given as @file
  std::string user_agent = "volley/" VOLLEY_VERSION;
  std::string user;     // -u USER:PASSWORD, basic authentication; empty: none. Never logged.
  int ip_version = 0;   // -4 or -6: resolve names to that family only; 0: either
  std::vector<std::string> resolve;
  std::string proxy;
  bool insecure = false;
  std::string cacert;
  std::string capath;  // a directory of hashed CA certificates (openssl rehash)
  bool http11 = false;

  double timeout = 30;
  double connect_timeout = 10;
  double stall_timeout = 30;

  int retries = 2;
  double retry_delay = 0.25;
  double retry_max_delay = 30;

  int max_redirects = 10;
  std::uint64_t max_body = 10ull << 20;

  // Scraping: each adds fields to the line, and only then is the body kept (LinePlan::has_body_work).
  bool title = false;
  std::string links;  // "": off, "a": <a href>, "all": also link, script, img, iframe
  std::vector<std::string> extract;  // "REGEX" or "NAME=REGEX"
  bool hash = false;
  bool response_headers = false;
  std::string save_dir;
  std::string match_status;   // keep only lines whose status is in this list
  std::string filter_status;  // drop lines whose status is in this list

  // --crawl (docs/crawl.md): every URL read is a seed, and the links of its pages in scope are
  // fetched too, each once.
  bool crawl = false;
  int depth = 5;               // the links of a page this deep are not followed; seeds are 0
  std::string scope = "host";  // host, prefix, domain or any (crawl/crawl_rules.hpp)
  std::vector<std::string> include, exclude;  // RE2 over the canonical URL
  std::uint64_t max_pages = 0;           // lines at most; 0: no budget
  std::uint64_t max_pages_per_host = 0;  // pages of one host:port at most; 0: no budget
  bool sitemap = false;                  // also seed each seed's host from its sitemaps

  std::string state;  // --state FILE; empty: none
  std::optional<std::int64_t> max_age_ms;  // --max-age: a URL fetched successfully this recently is not requested

  bool quiet = false;
  std::string summary_json;  // --summary-json FILE; empty: none
  bool verbose = false;
  bool progress = true;  // still only drawn when stderr is a terminal
};

}  // namespace volley
