#include "app/command_line.hpp"
#include "app/flag_rules.hpp"
#include "app/flags.hpp"
#include "app/options.hpp"
#include "app/run.hpp"
#include "core/engine.hpp"
#include "queue/enqueue_command.hpp"
#include "util/std_fds.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <clocale>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <langinfo.h>
#include <sstream>
#include <unistd.h>

using namespace volley;

namespace {

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

// libcurl converts an internationalised host name with libidn2's idn2_lookup_ul, which reads the
// name in the locale's charset: under the C locale every IDN fails as a malformed URL. Input is
// UTF-8 whatever the environment says, so LC_CTYPE is the environment's when that is UTF-8, else
// C.UTF-8. Only LC_CTYPE: LC_NUMERIC would change strtod's and printf's decimal point. The code's
// own character tests are locale-free (ascii.hpp), and a UTF-8 ctype leaves <cctype> ASCII-only.
void use_utf8_ctype() {
  if (std::setlocale(LC_CTYPE, "") && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
  if (!std::setlocale(LC_CTYPE, "C.UTF-8")) std::setlocale(LC_CTYPE, "C");
}

// The work itself, a run or `volley enqueue`, between libcurl's global set-up and clean-up.
template <typename Work>
int with_curl(Work work) {
  use_utf8_ctype();
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    spdlog::error("cannot initialise libcurl");
    return exit_usage;
  }
  const int status = work();
  curl_global_cleanup();
  return status;
}

// Logs of a long run are read against other logs: UTC, to the millisecond, ISO 8601.
void log_verbosely(spdlog::logger& log) {
  spdlog::set_level(spdlog::level::debug);
  log.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ volley: %^%l%$: %v", spdlog::pattern_time_type::utc);
}

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
  if (argc > 1 && std::strcmp(argv[1], "enqueue") == 0)
    return with_curl([&] { return enqueue_command(argc - 2, argv + 2); });

  Options o;
  FlagText text;
  CLI::App app{"volley: fetch many URLs concurrently, one JSON line per URL", "volley"};
  declare_flags(app, o, text);
  if (auto status = parse_flags(app, argc, argv)) return *status;
  hide_user_value(argc, argv, o.user);
  take_stdin_from_urls(o);
  const FlagFacts facts{text.shard != "1/1", ::isatty(STDIN_FILENO) != 0, closed.out};
  if (auto conflict = check_flag_rules(o, facts)) {
    if (conflict->usage)
      std::fputs(conflict->message.c_str(), stderr);
    else
      spdlog::error("{}", conflict->message);
    return exit_usage;
  }
  if (std::string err = check_request_flags(o, app.count("--method") > 0); !err.empty()) {
    spdlog::error("{}", err);
    return exit_usage;
  }
  apply_flag_text(text, o);
  if (o.verbose) {
    log_verbosely(*log);
    o.progress = false;  // a log line would be glued to it
  }
  if (!load_data(o)) return exit_usage;
  return with_curl([&] { return run(o); });
}
