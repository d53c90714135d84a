#include "app/command_line.hpp"
#include "app/options.hpp"
#include "app/run.hpp"
#include "core/engine.hpp"
#include "input/shard.hpp"
#include "net/http_headers.hpp"
#include "queue/enqueue_command.hpp"
#include "queue/redis_url.hpp"
#include "util/std_fds.hpp"
#include "util/units.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <langinfo.h>
#include <sstream>
#include <unistd.h>

using namespace volley;

namespace {

std::string version_text() {
  return std::string("volley ") + VOLLEY_VERSION + " (" + curl_version() + ")";
}

// -d @FILE sends the file's bytes, as curl does.
bool load_data(Options& o) {
  if (!o.data || o.data->empty() || o.data->front() != '@') return true;
  const std::string path = o.data->substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    spdlog::error("cannot read --data file {}", path);
    return false;
  }
  std::ostringstream body;
  body << in.rdbuf();
  o.data = body.str();
  return true;
}

// curl's HOST:PORT:ADDR[,ADDR]..., optionally "+" (time out) or "-HOST:PORT" (remove). libcurl
// only complains when a transfer starts, which would turn a typo into an error on every URL.
std::string check_resolve(const std::string& entry) {
  std::string_view e = entry;
  const bool remove = !e.empty() && e.front() == '-';
  if (!e.empty() && (e.front() == '+' || e.front() == '-')) e.remove_prefix(1);
  const auto c1 = e.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : e.find(':', c1 + 1);
  const std::string_view port = e.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1);
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       port.find_first_not_of("0123456789") == std::string_view::npos;
  const bool ok = c1 != 0 && c1 != std::string_view::npos && port_ok &&
                  (remove ? c2 == std::string_view::npos : c2 != std::string_view::npos && c2 + 1 < e.size());
  return ok ? std::string() : "expected HOST:PORT:ADDR, got " + entry;
}

// CLI::NonNegativeNumber names its upper bound, DBL_MAX, in 300 digits.
std::string check_non_negative(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && v >= 0 ? std::string() : "must be a number >= 0, got " + text;
}

// -X, -H and -A go out as protocol text: they are held to the rules request objects are, and a
// bad one ends the run before anything is sent. An empty -X is refused too (it is no token).
std::string check_request_flags(const Options& o, bool method_given) {
  if (method_given)
    if (std::string err = check_method(o.method); !err.empty()) return "-X: " + err;
  for (const auto& h : o.headers)
    if (std::string err = check_header_line(h); !err.empty()) return "-H: " + err;
  if (!is_header_value(o.user_agent)) return "-A: the user agent holds a control character (only tab is allowed)";
  return {};
}

// A week is longer than any wait worth making in one run, and keeps every later sum of times far
// from overflowing (docs/behaviour.md, "Limits of numeric flags").
std::string check_seconds(const std::string& text) {
  if (std::string err = check_non_negative(text); !err.empty()) return err;
  return std::strtod(text.c_str(), nullptr) <= max_flag_seconds
             ? std::string()
             : "must be at most " + std::to_string(static_cast<long>(max_flag_seconds)) + " seconds (7 days), got " + text;
}

std::string check_rate(const std::string& text) {
  if (std::string err = check_non_negative(text); !err.empty()) return err;
  const double v = std::strtod(text.c_str(), nullptr);
  return v == 0 || v >= min_flag_rate ? std::string() : "must be 0 (no cap) or at least 1/86400 (one a day), got " + text;
}

// libcurl converts an internationalised host name with libidn2's idn2_lookup_ul, which reads the
// name in the locale's charset: under the C locale every IDN fails as a malformed URL. Input is
// UTF-8 whatever the environment says, so LC_CTYPE is the environment's when that is UTF-8, else
// C.UTF-8. Only LC_CTYPE: LC_NUMERIC would change strtod's and printf's decimal point. The code's
// own character tests are locale-free (ascii.hpp), and a UTF-8 ctype leaves <cctype> ASCII-only.
void use_utf8_ctype() {
  if (std::setlocale(LC_CTYPE, "") && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
  if (!std::setlocale(LC_CTYPE, "C.UTF-8")) std::setlocale(LC_CTYPE, "C");
}

// CLI11 writes its own two-line messages; volley's flag errors are one line, `volley: error: …`,
// naming the flag meant when an unknown one is a near miss.
std::string parse_error_text(const CLI::App& app, const CLI::ParseError& e) {
  const std::vector<std::string> unknown = app.remaining();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) && !unknown.empty()) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options())
      for (const auto& name : opt->get_lnames()) names.push_back(name);
    const std::string& first = unknown.front();
    std::string text = "unknown flag " + first.substr(0, first.find('=', 2));
    if (auto meant = closest_flag(first, names)) return text + "; did you mean " + *meant + "?";
    return text + " (volley --help lists the flags)";
  }
  std::string text = e.what();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// Group and consumer names go into Redis commands and its replies: printable ASCII only.
std::string check_queue_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= max_stream_name &&
                  std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  return ok ? std::string() : "must be 1 to 256 printable ASCII characters without spaces, got " + name;
}

// As grep does: a bare command at a prompt would wait on the terminal with no hint why.
constexpr const char* usage_text =
    "Usage: volley [OPTIONS] [URL...] [-i FILE]...   (or: COMMAND | volley [OPTIONS])\n"
    "Try 'volley --help' for more information.\n";

}  // namespace

int main(int argc, char** argv) {
  const ClosedStdFds closed = reopen_closed_std_fds();
  if (!closed.reopened) {
    if (!closed.err) std::fputs("volley: error: a standard descriptor is closed and /dev/null cannot be opened\n", stderr);
    return exit_usage;
  }
  // Thread-safe: the --queue thread reports lost and regained connections itself.
  auto log = spdlog::stderr_color_mt("volley");
  log->set_pattern("volley: %^%l%$: %v");
  spdlog::set_default_logger(log);

  // A subcommand, so that its few flags are not mixed with a run's many (docs/fleet.md).
  if (argc > 1 && std::strcmp(argv[1], "enqueue") == 0) {
    use_utf8_ctype();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      spdlog::error("cannot initialise libcurl");
      return exit_usage;
    }
    const int status = enqueue_command(argc - 2, argv + 2);
    curl_global_cleanup();
    return status;
  }

  Options o;
  std::string max_body = "10M";
  std::string shard = "1/1";
  std::string max_age;
  CLI::App app{"volley: fetch many URLs concurrently, one JSON line per URL", "volley"};
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", version_text());

  app.add_option("urls", o.urls, "URLs to fetch; - is stdin (also read from --input, or stdin when neither is given)");
  app.add_option("-i,--input", o.inputs, "File of URLs, one per line; repeatable; - is stdin")->allow_extra_args(false);
  app.add_option("-o,--output", o.output, "Write JSON lines to FILE instead of stdout");
  app.add_flag("-a,--append", o.append, "With -o FILE: add lines after what FILE holds instead of emptying it");
  app.add_flag("--resume", o.resume,
               "With -o FILE: fetch only the input URLs FILE has no line for yet (same list, same order), and append");
  app.add_option("-c,--concurrency", o.concurrency, "Transfers in flight at most")->check(CLI::Range(1, 1000000));
  app.add_option("--per-host", o.per_host, "Transfers in flight per host:port at most (0: no cap)")
      ->check(check_non_negative);
  app.add_option("--per-host-delay", o.per_host_delay, "Seconds between two request starts on one host:port, fractions allowed")
      ->check(check_seconds);
  app.add_option("--host-errors", o.host_errors,
                 "Give a host up after N dns/connect/tls/timeout failures in a row (0: never)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--read-ahead", o.read_ahead, "URLs read ahead at most while every queued one waits on its host")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--rate", o.rate, "New requests per second at most, fractions allowed (0: no cap)")
      ->check(check_rate);
  app.add_option("--shard", shard, "Fetch only the hosts of shard K of N (K/N, 1 <= K <= N): split a list over N runs")
      ->check([](const std::string& s) {
        return parse_shard(s) ? std::string() : "expected K/N with 1 <= K <= N <= 1000000, got " + s;
      });
  app.add_flag("--robots", o.robots, "Obey each site's robots.txt (fetched once per scheme://host:port) for -A's product token");
  const auto* method = app.add_option("-X,--method", o.method, "HTTP method");
  app.add_option("-H,--header", o.headers, "Extra header 'Name: value'; repeatable")->allow_extra_args(false);
  app.add_option("-d,--data", o.data, "Request body (implies POST); @FILE reads it from FILE");
  app.add_option("-A,--user-agent", o.user_agent, "User-Agent header");
  app.add_option("--resolve", o.resolve, "HOST:PORT:ADDR, as curl; repeatable")
      ->allow_extra_args(false)
      ->check(check_resolve);
  app.add_option("-x,--proxy", o.proxy, "Proxy URL (default: the *_proxy environment, as curl)");
  app.add_flag("-k,--insecure", o.insecure, "Do not verify TLS certificates");
  app.add_option("--cacert", o.cacert, "CA certificates (PEM) to verify peers with")->check(CLI::ExistingFile);
  app.add_option("--capath", o.capath, "Directory of hashed CA certificates (openssl rehash) to verify peers with")
      ->check(CLI::ExistingDirectory);
  app.add_flag("--http1.1", o.http11, "Use HTTP/1.1 only (default: HTTP/2 where TLS offers it)");
  app.add_option("--timeout", o.timeout, "Seconds for a whole attempt (0: none)")->check(check_seconds);
  app.add_option("--connect-timeout", o.connect_timeout, "Seconds to connect (0: libcurl's default, 300)")->check(check_seconds);
  app.add_option("--stall-timeout", o.stall_timeout, "Seconds without a byte received before giving up (0: none)")
      ->check(check_seconds);
  app.add_option("--retries", o.retries, "Retries after a timeout, a failed connection or 408/429/500/502/503/504")
      ->check(CLI::Range(0, 1000));
  app.add_option("--retry-delay", o.retry_delay, "Seconds before the first retry; doubles each time, with jitter")
      ->check(check_seconds);
  app.add_option("--retry-max-delay", o.retry_max_delay, "Cap in seconds on a retry's wait, Retry-After included")
      ->check(check_seconds);
  app.add_option("--max-redirects", o.max_redirects, "Redirects to follow (0: do not follow)")
      ->check(CLI::Range(0, 1000));
  app.add_option("--max-body", max_body, "Largest decoded body in bytes; suffixes k, M, G")
      ->check([](const std::string& s) { return parse_size(s) ? std::string() : "not a size: " + s; });
  app.add_flag("--title", o.title, "Add the HTML <title>, as UTF-8");
  // A bare --links is --links=a (attach_links_value), so CLI11 always sees a value.
  app.add_option("--links", o.links, "Add the page's absolute http(s) links: <a href>; with all, also link, script, img, iframe")
      ->check(CLI::IsMember({"a", "all"}))
      ->option_text("[a|all]");
  app.add_option("--extract", o.extract, "Add the matches of an RE2 REGEX or NAME=REGEX; repeatable")
      ->allow_extra_args(false);
  app.add_flag("--hash", o.hash, "Add the sha256 of the decoded body");
  app.add_flag("--headers", o.response_headers, "Add the final response's headers (names lower-cased)");
  app.add_option("--save", o.save_dir, "Save each complete response's body as DIR/<seq>.body");
  app.add_option("--match-status", o.match_status, "Write only lines whose status is in LIST, e.g. 2xx,301-399");
  app.add_option("--filter-status", o.filter_status, "Do not write lines whose status is in LIST, e.g. 4xx,5xx");
  app.add_option("--queue", o.queue, "Fetch the URLs of a Redis stream, as one of many workers: redis://[:PASSWORD@]HOST[:PORT]/STREAM")
      ->check([](const std::string& s) {
        std::string why;
        return parse_redis_url(s, why) ? std::string() : why;
      });
  app.add_option("--group", o.group, "--queue: the consumer group the workers share")->check(check_queue_name);
  app.add_option("--consumer", o.consumer, "--queue: this worker's name in the group (default: HOSTNAME-PID)")
      ->check(check_queue_name);
  // 0 would have every worker take every other's entries at once.
  app.add_option("--claim-after", o.claim_after, "--queue: seconds before another worker takes a silent worker's entries")
      ->check(check_seconds)
      ->check([](const std::string& s) { return std::strtod(s.c_str(), nullptr) >= 0.01 ? std::string() : "must be at least 0.01, got " + s; });
  app.add_option("--max-deliveries", o.max_deliveries, "--queue: deliveries of one entry before it is reported as poisoned")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--results", o.results, "--queue: add each line to this stream (field line) instead of writing it out")
      ->check([](const std::string& s) {
        std::string why;
        return parse_redis_url(s, why) ? std::string() : why;
      });
  app.add_flag("--drain", o.drain, "--queue: stop when the stream has no new and no pending entries");
  auto* state = app.add_option("--state", o.state,
                                     "SQLite file of what earlier runs fetched: conditional requests, changed, last_fetched");
  app.add_option("--max-age", max_age, "With --state: do not request a URL fetched successfully less than DURATION ago (90s, 30m, 6h, 2d)")
      ->check([](const std::string& s) {
        return parse_duration_ms(s) ? std::string() : "expected a whole number of s, m, h or d, at most 3650d, got " + s;
      })
      ->needs(state);
  app.add_flag("-q,--quiet", o.quiet, "No summary or progress on stderr");
  app.add_option("--summary-json", o.summary_json, "Write the end summary to FILE as one JSON object, even when interrupted");
  app.add_flag("-v,--verbose", o.verbose, "Log each transfer on stderr");

  try {
    std::vector<std::string> args = attach_links_value({argv + std::min(argc, 1), argv + argc});
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
    app.parse(std::move(args));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    spdlog::error("{}", parse_error_text(app, e));
    return exit_usage;
  }
  take_stdin_from_urls(o);
  if (!o.queue.empty() && (!o.urls.empty() || !o.inputs.empty())) {
    spdlog::error("--queue reads its URLs from the queue: give no URL and no -i");
    return exit_usage;
  }
  // A worker would leave other shards' entries pending forever: `volley enqueue --shards` splits a queue.
  if (!o.queue.empty() && shard != "1/1") {
    spdlog::error("--shard does not apply to --queue: split the queue with volley enqueue --shards N");
    return exit_usage;
  }
  // A queue's seqs are a worker's own count, not positions in a list: what is left is the
  // entries nobody acknowledged, which other workers take.
  if (!o.queue.empty() && o.resume) {
    spdlog::error("--resume does not apply to --queue: entries without a line stay pending for the workers");
    return exit_usage;
  }
  if (!o.results.empty() && (o.queue.empty() || !o.output.empty())) {
    spdlog::error("--results needs --queue, and takes the place of -o");
    return exit_usage;
  }
  // Every line would come back as an entry to fetch, and the queue would never drain.
  if (!o.results.empty()) {
    std::string why;
    const auto queue = parse_redis_url(o.queue, why), results = parse_redis_url(o.results, why);
    if (queue && results && queue->host == results->host && queue->port == results->port &&
        queue->stream == results->stream) {
      spdlog::error("--results names the stream --queue reads: give the lines a stream of their own");
      return exit_usage;
    }
  }
  if (o.queue.empty() && o.urls.empty() && o.inputs.empty() && ::isatty(STDIN_FILENO)) {
    std::fputs(usage_text, stderr);
    return exit_usage;
  }
  if (std::string err = check_output_flags(o); !err.empty()) {
    spdlog::error("{}", err);
    return exit_usage;
  }
  if (std::string err = check_request_flags(o, method->count() > 0); !err.empty()) {
    spdlog::error("{}", err);
    return exit_usage;
  }
  o.max_body = *parse_size(max_body);
  o.shard = *parse_shard(shard);
  if (!max_age.empty()) o.max_age_ms = parse_duration_ms(max_age);
  if (o.verbose) {
    spdlog::set_level(spdlog::level::debug);
    o.progress = false;  // a log line would be glued to it
    // Logs of a long run are read against other logs: UTC, to the millisecond, ISO 8601.
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ volley: %^%l%$: %v", spdlog::pattern_time_type::utc);
  }
  if (!load_data(o)) return exit_usage;
  // Lines written to /dev/null in its place would be lost without a word.
  if (closed.out && o.output.empty() && o.results.empty()) {
    spdlog::error("standard output is closed: give -o FILE or an open stdout");
    return exit_usage;
  }

  use_utf8_ctype();
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    spdlog::error("cannot initialise libcurl");
    return exit_usage;
  }
  const int status = run(o);
  curl_global_cleanup();
  return status;
}
