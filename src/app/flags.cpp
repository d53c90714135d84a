#include "app/flags.hpp"

#include "app/command_line.hpp"
#include "app/help_format.hpp"
#include "core/engine.hpp"
#include "input/shard.hpp"
#include "net/http_headers.hpp"
#include "queue/redis_url.hpp"
#include "util/units.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

namespace volley {

namespace {

// The forms of a command line, the work queue's subcommand among them: its flags are its own.
constexpr const char* usage_lines =
    "Usage: volley [OPTIONS] [URL...] [-i FILE]...   (or: COMMAND | volley [OPTIONS])\n"
    "       volley --queue redis://HOST:PORT/STREAM [OPTIONS]\n"
    "       volley enqueue redis://HOST:PORT/STREAM [-i FILE]...   (see volley enqueue --help)\n";

constexpr const char* help_footer =
    "Each URL read gets one JSON line on stdout (or -o FILE); people's messages go to stderr.\n"
    "volley enqueue adds URLs to a Redis stream for --queue workers: volley enqueue --help.\n"
    "The flags in full: man volley.\n";

std::string version_text() {
  return std::string("volley ") + VOLLEY_VERSION + " (" + curl_version() + ")";
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

// A week is longer than any wait worth making in one run, and keeps every later sum of times far
// from overflowing (docs/behaviour.md, "Limits of numeric flags").
std::string check_seconds(const std::string& text) {
  if (std::string err = check_non_negative(text); !err.empty()) return err;
  return std::strtod(text.c_str(), nullptr) <= max_flag_seconds
             ? std::string()
             : "must be at most " + std::to_string(static_cast<long>(max_flag_seconds)) + " seconds (7 days), got " + text;
}

// One rule, one message, whatever side of it a value falls: 0 would have every worker take every
// other's entries at once, and a negative wait means nothing.
std::string check_claim_after(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= 0.01)) return "must be a number of seconds >= 0.01, got " + text;
  return check_seconds(text);
}

std::string check_rate(const std::string& text) {
  if (std::string err = check_non_negative(text); !err.empty()) return err;
  const double v = std::strtod(text.c_str(), nullptr);
  return v == 0 || v >= min_flag_rate ? std::string() : "must be 0 (no cap) or at least 1/86400 (one a day), got " + text;
}

// Group and consumer names go into Redis commands and its replies: printable ASCII only.
std::string check_queue_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= max_stream_name &&
                  std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  return ok ? std::string() : "must be 1 to 256 printable ASCII characters without spaces, got " + name;
}

std::string check_redis_url(const std::string& text) {
  std::string why;
  return parse_redis_url(text, why) ? std::string() : why;
}

// CLI11 writes its own two-line messages; volley's flag errors are one line, `volley: error: …`,
// naming the flag meant when an unknown one is a near miss or one of curl's.
std::string parse_error_text(const CLI::App& app, const CLI::ParseError& e) {
  const std::vector<std::string> unknown = app.remaining();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) && !unknown.empty()) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options())
      for (const auto& name : opt->get_lnames()) names.push_back(name);
    return unknown_flag_message(unknown.front(), names);
  }
  std::string text = e.what();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// curl asks for a missing password on the terminal; a run of many URLs cannot stop to ask. The
// value is a secret: no message repeats it.
std::string check_user(const std::string& text) {
  return text.find(':') == std::string::npos ? "expected USER:PASSWORD (volley does not ask for a password)"
                                             : std::string();
}

// Each function declares one group of --help, the man page's OPTIONS subsections in their order:
// option_defaults() puts every flag declared after it in that group, so a new flag is one line in
// its group's function; one that takes a value names it with option_text ("N", "FILE"), which is
// what --help shows. A flag of curl's that means the same here is another name of volley's.

void declare_io_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("Input and output");
  app.add_option("URL", o.urls, "URLs to fetch; - is stdin (also read from -i, or stdin when neither is given)");
  app.add_option("-i,--input", o.inputs, "File of URLs, one per line; repeatable; - is stdin")
      ->allow_extra_args(false)
      ->option_text("FILE");
  app.add_option("-o,--output", o.output, "Write JSON lines to FILE instead of stdout")->option_text("FILE");
  app.add_flag("-a,--append", o.append, "With -o FILE: add lines after what FILE holds instead of emptying it");
  app.add_flag("--resume", o.resume,
               "With -o FILE: fetch only the input URLs FILE has no line for yet (same list, same order), and append");
  app.add_flag("-q,-s,--quiet,--silent", o.quiet, "No summary or progress on stderr (errors are still shown)");
  app.add_flag("-S,--show-error")->description("Accepted for curl's -sS: volley always shows errors");
  app.add_flag("-v,--verbose", o.verbose, "Log each transfer on stderr");
  app.add_option("--summary-json", o.summary_json, "Write the end summary to FILE as one JSON object, even when interrupted")
      ->option_text("FILE");
  app.set_version_flag("-V,--version", version_text(), "Print the version of volley and libcurl, and exit");
  app.set_help_flag("-h,--help", "Print this help, and exit");
}

void declare_politeness_flags(CLI::App& app, Options& o, FlagText& text) {
  app.option_defaults()->group("Concurrency and politeness");
  app.add_option("-c,--concurrency", o.concurrency, "Transfers in flight at most")
      ->check(CLI::Range(1, 1000000))
      ->option_text("N");
  app.add_option("--per-host", o.per_host, "Transfers in flight per host:port at most; 0: no cap")
      ->check(check_non_negative)
      ->option_text("N");
  app.add_option("--rate", o.rate, "New requests per second at most, fractions allowed; 0: no cap")
      ->check(check_rate)
      ->option_text("R");
  app.add_option("--shard", text.shard, "Fetch only the hosts of shard K of N (1 <= K <= N): one list over N runs")
      ->check([](const std::string& s) {
        return parse_shard(s) ? std::string() : "expected K/N with 1 <= K <= N <= 1000000, got " + s;
      })
      ->option_text("K/N");
  app.add_option("--per-host-delay", o.per_host_delay, "Seconds between two request starts on one host:port")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--host-errors", o.host_errors, "Give a host up after N dns/connect/tls/timeout failures in a row; 0: never")
      ->check(CLI::Range(0, 1000000))
      ->option_text("N");
  app.add_option("--read-ahead", o.read_ahead, "URLs read ahead at most while every queued one waits on its host (and 32 MiB of them)")
      ->check(CLI::Range(1, 10000000))
      ->option_text("N");
  app.add_option("--max-memory", text.max_memory, "Read no URL ahead while RSS is near SIZE (suffixes k, M, G); 0: no cap")
      ->check([](const std::string& s) { return parse_size(s) ? std::string() : "not a size: " + s; })
      ->option_text("SIZE");
  app.add_flag("--robots", o.robots, "Obey each site's robots.txt (fetched once per scheme://host:port) for -A's product token");
}

void declare_state_flags(CLI::App& app, Options& o, FlagText& text) {
  app.option_defaults()->group("State");
  auto* state = app.add_option("--state", o.state,
                               "SQLite file of what earlier runs fetched: conditional requests, changed, last_fetched")
                    ->option_text("FILE");
  app.add_option("--max-age", text.max_age, "With --state: do not request a URL fetched successfully less than DURATION ago (90s, 30m, 6h, 2d)")
      ->check([](const std::string& s) {
        return parse_duration_ms(s) ? std::string() : "expected a whole number of s, m, h or d, at most 3650d, got " + s;
      })
      ->needs(state)
      ->option_text("DURATION");
}

void declare_request_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("Requests");
  auto* method = app.add_option("-X,--method", o.method, "HTTP method (default GET, or POST with -d)")->option_text("METHOD");
  auto* head = app.add_flag_callback("-I,--head", [&o] { o.method = "HEAD"; }, "Send HEAD requests, as -X HEAD does")
                   ->excludes(method);
  app.add_option("-H,--header", o.headers, "Extra header; repeatable")->allow_extra_args(false)->option_text("'Name: value'");
  app.add_option("-d,--data", o.data, "Request body (implies POST); @FILE reads it from FILE")
      ->option_text("DATA")
      ->excludes(head);
  app.add_option("-A,--user-agent", o.user_agent, "User-Agent header")->option_text("NAME");
  app.add_option("-u,--user", o.user, "Basic authentication, sent to each URL's own host only (never shown)")
      ->check(check_user)
      ->option_text("USER:PASSWORD");
  app.add_option("--resolve", o.resolve, "Connect to ADDR for HOST:PORT, as curl; repeatable")
      ->allow_extra_args(false)
      ->check(check_resolve)
      ->option_text("HOST:PORT:ADDR");
  app.add_option("-x,--proxy", o.proxy, "Proxy URL (default: the *_proxy environment, as curl)")->option_text("URL");
  auto* v4 = app.add_flag_callback("-4,--ipv4", [&o] { o.ip_version = 4; }, "Resolve names to IPv4 addresses only");
  app.add_flag_callback("-6,--ipv6", [&o] { o.ip_version = 6; }, "Resolve names to IPv6 addresses only")->excludes(v4);
  app.add_flag("--http1.1", o.http11, "Use HTTP/1.1 only (default: HTTP/2 where TLS offers it)");
  app.add_flag("--compressed")->description("Accepted for curl's sake: volley always asks for every encoding libcurl decodes");
}

void declare_tls_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("TLS");
  app.add_flag("-k,--insecure", o.insecure, "Do not verify TLS certificates");
  app.add_option("--cacert", o.cacert, "CA certificates (PEM) to verify peers with")
      ->check(CLI::ExistingFile)
      ->option_text("FILE");
  app.add_option("--capath", o.capath, "Directory of hashed CA certificates (openssl rehash) to verify peers with")
      ->check(CLI::ExistingDirectory)
      ->option_text("DIR");
}

void declare_limit_flags(CLI::App& app, Options& o, FlagText& text) {
  app.option_defaults()->group("Time limits, retries and redirects");
  app.add_option("-m,--timeout,--max-time", o.timeout, "Seconds for a whole attempt; 0: none")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--connect-timeout", o.connect_timeout, "Seconds to connect; 0: libcurl's own limit, 300")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--stall-timeout", o.stall_timeout, "Seconds without a byte received before giving up; 0: none")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--retries,--retry", o.retries, "Retries after a timeout, a failed connection or 408/429/500/502/503/504")
      ->check(CLI::Range(0, 1000))
      ->option_text("N");
  app.add_option("--retry-delay", o.retry_delay, "Seconds before the first retry; doubles each time, with jitter")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--retry-max-delay", o.retry_max_delay, "Cap in seconds on a retry's wait, Retry-After included")
      ->check(check_seconds)
      ->option_text("SECONDS");
  app.add_option("--max-redirects", o.max_redirects, "Redirects to follow; 0: do not follow")
      ->check(CLI::Range(0, 1000))
      ->option_text("N");
  app.add_flag("-L,--location")->description("Accepted for curl's sake: volley always follows redirects, up to --max-redirects");
  app.add_option("--max-body", text.max_body, "Largest decoded body in bytes; suffixes k, M, G")
      ->check([](const std::string& s) { return parse_size(s) ? std::string() : "not a size: " + s; })
      ->option_text("SIZE");
}

void declare_scrape_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("Scraping");
  app.add_flag("--title", o.title, "Add the HTML <title>, as UTF-8");
  // A bare --links is --links=a (attach_links_value), so CLI11 always sees a value.
  app.add_option("--links", o.links, "Add the page's absolute http(s) links: <a href>; with all, also link, script, img, iframe")
      ->check(CLI::IsMember({"a", "all"}))
      ->option_text("[a|all]");
  app.add_option("--extract", o.extract, "Add the matches of an RE2 REGEX or NAME=REGEX; repeatable")
      ->allow_extra_args(false)
      ->option_text("[NAME=]REGEX");
  app.add_flag("--hash", o.hash, "Add the sha256 of the decoded body");
  app.add_flag("--headers", o.response_headers, "Add the final response's headers (names lower-cased)");
  app.add_option("--save", o.save_dir, "Save each complete response's body as DIR/<seq>.body")->option_text("DIR");
  app.add_option("--match-status", o.match_status, "Write only lines whose status is in LIST, e.g. 2xx,301-399")
      ->option_text("LIST");
  app.add_option("--filter-status", o.filter_status, "Do not write lines whose status is in LIST, e.g. 4xx,5xx")
      ->option_text("LIST");
}

// A crawl from the URLs read (docs/crawl.md).
void declare_crawl_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("Crawl");
  auto* crawl = app.add_flag("-r,--crawl,--recursive", o.crawl,
                             "Also fetch the links of each HTML page fetched, in --scope, each URL once");
  app.add_option("--depth,--level", o.depth, "With --crawl: follow links N pages deep from a seed; 0: seeds only")
      ->check(CLI::Range(0, 1000000))
      ->needs(crawl)
      ->option_text("N");
  app.add_option("--scope", o.scope, "With --crawl: where links may lead: host (the seed's host:port), prefix (its directory), domain (its registrable domain) or any")
      ->check(CLI::IsMember({"host", "prefix", "domain", "any"}))
      ->needs(crawl)
      ->option_text("WHERE");
  app.add_option("--include", o.include, "With --crawl: follow only URLs that match some RE2 REGEX; repeatable")
      ->allow_extra_args(false)
      ->needs(crawl)
      ->option_text("REGEX");
  app.add_option("--exclude", o.exclude, "With --crawl: do not follow URLs that match REGEX; repeatable")
      ->allow_extra_args(false)
      ->needs(crawl)
      ->option_text("REGEX");
  // 0 is refused, so the 0 that stands for "no budget" is no default to show.
  app.add_option("--max-pages", o.max_pages, "With --crawl: N pages at most, one line each (default: no limit)")
      ->default_str("")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62))
      ->needs(crawl)
      ->option_text("N");
  app.add_option("--max-pages-per-host", o.max_pages_per_host, "With --crawl: N pages of one host:port at most (default: no limit)")
      ->default_str("")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62))
      ->needs(crawl)
      ->option_text("N");
  app.add_flag("--sitemap", o.sitemap, "With --crawl: also seed each seed's host from its sitemaps (robots.txt, /sitemap.xml)")
      ->needs(crawl);
}

// A Redis stream in place of the input files (docs/fleet.md).
void declare_queue_flags(CLI::App& app, Options& o) {
  app.option_defaults()->group("Work queue");
  app.add_option("--queue", o.queue, "Fetch the URLs of a Redis stream redis://[:PASSWORD@]HOST[:PORT]/STREAM, as one of many workers")
      ->check(check_redis_url)
      ->option_text("URL");
  app.add_option("--group", o.group, "The consumer group the workers share")->check(check_queue_name)->option_text("NAME");
  app.add_option("--consumer", o.consumer, "This worker's name in the group (default HOSTNAME-PID)")
      ->check(check_queue_name)
      ->option_text("NAME");
  app.add_option("--claim-after", o.claim_after, "Seconds before another worker takes a silent worker's entries")
      ->check(check_claim_after)
      ->option_text("SECONDS");
  app.add_option("--max-deliveries", o.max_deliveries, "Deliveries of one entry before it is reported as poisoned")
      ->check(CLI::Range(1, 1000000))
      ->option_text("N");
  app.add_option("--results", o.results, "Add each line to this Redis stream (field line) instead of writing it out")
      ->check(check_redis_url)
      ->option_text("URL");
  app.add_flag("--drain", o.drain, "Stop when the stream has no new and no pending entries");
}

}  // namespace

void declare_flags(CLI::App& app, Options& o, FlagText& text) {
  app.option_defaults()->always_capture_default();
  use_help_format(app, usage_lines, help_footer);
  declare_io_flags(app, o);
  declare_politeness_flags(app, o, text);
  declare_state_flags(app, o, text);
  declare_request_flags(app, o);
  declare_tls_flags(app, o);
  declare_limit_flags(app, o, text);
  declare_scrape_flags(app, o);
  declare_crawl_flags(app, o);
  declare_queue_flags(app, o);
}

std::optional<int> parse_flags(CLI::App& app, int argc, char** argv) {
  try {
    const std::vector<std::string> args = attach_links_value({argv + std::min(argc, 1), argv + argc});
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));  // CLI11 takes the last first
    if (auto flag = flag_taken_as_url(args, app.get_option("URL")->results())) {
      spdlog::error("{}", unknown_flag_message(*flag, {}));
      return exit_usage;
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    spdlog::error("{}", parse_error_text(app, e));
    return exit_usage;
  }
  return std::nullopt;
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

void apply_flag_text(const FlagText& text, Options& o) {
  o.max_body = *parse_size(text.max_body);
  if (!text.max_memory.empty()) o.max_memory = *parse_size(text.max_memory);
  o.shard = *parse_shard(text.shard);
  if (!text.max_age.empty()) o.max_age_ms = parse_duration_ms(text.max_age);
}

}  // namespace volley
