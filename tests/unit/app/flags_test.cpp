#include "app/flags.hpp"

#include "app/help_format.hpp"
#include "core/engine.hpp"
#include "doc_text.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <sstream>

using namespace volley;

namespace {

// argv as main() gives it, through the run's own declarations and parse: nullopt to go on, else
// the exit status.
std::optional<int> parse(const std::vector<std::string>& flags, Options& o) {
  FlagText text;
  CLI::App app;
  declare_flags(app, o, text);
  std::vector<std::string> argv_text{"volley"};
  argv_text.insert(argv_text.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  auto status = parse_flags(app, static_cast<int>(argv.size()), argv.data());
  if (!status) apply_flag_text(text, o);
  return status;
}

std::string help_text() {
  Options o;
  FlagText text;
  CLI::App app{"volley: fetch many URLs concurrently, one JSON line per URL", "volley"};
  declare_flags(app, o, text);
  return app.help();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("flags: curl's flags mean here what they mean to curl") {
  struct Row {
    std::vector<std::string> flags;
    bool (*holds)(const Options&);
    const char* what;
  };
  const std::vector<Row> rows{
      {{"-s", "u"}, [](const Options& o) { return o.quiet; }, "-s is -q"},
      {{"--silent", "u"}, [](const Options& o) { return o.quiet; }, "--silent is --quiet"},
      {{"-sS", "u"}, [](const Options& o) { return o.quiet; }, "-sS"},
      {{"-sL", "u"}, [](const Options& o) { return o.quiet && o.urls == std::vector<std::string>{"u"}; }, "-sL"},
      {{"-sLm", "10", "u"}, [](const Options& o) { return o.quiet && o.timeout == 10; }, "-sLm 10"},
      {{"-sLm10", "u"}, [](const Options& o) { return o.quiet && o.timeout == 10; }, "-sLm10"},
      {{"-m", "7.5", "u"}, [](const Options& o) { return o.timeout == 7.5; }, "-m is --timeout"},
      {{"--max-time", "3", "u"}, [](const Options& o) { return o.timeout == 3; }, "--max-time is --timeout"},
      {{"--max-time=3", "u"}, [](const Options& o) { return o.timeout == 3; }, "--max-time=3"},
      {{"--location", "--compressed", "-L", "u"}, [](const Options& o) { return o.urls.size() == 1; }, "no-ops"},
      {{"-I", "u"}, [](const Options& o) { return o.method == "HEAD"; }, "-I is a HEAD request"},
      {{"--head", "u"}, [](const Options& o) { return o.method == "HEAD" && !o.response_headers; }, "--head"},
      {{"--retry", "5", "u"}, [](const Options& o) { return o.retries == 5; }, "--retry is --retries"},
      {{"-u", "alice:s3cret", "u"}, [](const Options& o) { return o.user == "alice:s3cret"; }, "-u"},
      {{"--user=alice:a:b", "u"}, [](const Options& o) { return o.user == "alice:a:b"; }, "--user="},
      {{"-su", "alice:x", "u"}, [](const Options& o) { return o.quiet && o.user == "alice:x"; }, "-su"},
      {{"-4", "u"}, [](const Options& o) { return o.ip_version == 4 && o.urls.size() == 1; }, "-4"},
      {{"--ipv6", "u"}, [](const Options& o) { return o.ip_version == 6; }, "--ipv6"},
      {{"u"}, [](const Options& o) { return o.ip_version == 0 && o.user.empty() && o.method.empty(); }, "none"},
      {{"--", "-x"}, [](const Options& o) { return o.urls == std::vector<std::string>{"-x"}; }, "after --, a URL"},
      {{"-"}, [](const Options& o) { return o.urls == std::vector<std::string>{"-"}; }, "- alone is stdin"},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    Options o;
    REQUIRE_FALSE(parse(row.flags, o));
    CHECK(row.holds(o));
  }
}

TEST_CASE("flags: a flag-like token is a flag or exit 2, never a URL") {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"-7", "u"}, {"u", "-1.5"}, {"---x"}, {"-Z", "u"}, {"-4", "-6", "u"},
        {"-I", "-X", "GET", "u"}, {"-I", "-d", "x", "u"}, {"-u", "alice", "u"}, {"-u"}}) {
    INFO(flags.front() << " " << (flags.size() > 1 ? flags[1] : ""));
    Options o;
    CHECK(parse(flags, o) == exit_usage);
  }
}

TEST_CASE("flags: --help is grouped as the man page, without CLI11's type notes, within 100 columns") {
  const std::string help = help_text();
  const auto lines = lines_of(help);
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.size() <= help_width);
    for (const char* clutter : {"INT", "FLOAT", "TEXT", "UINT", "Needs:", "Excludes:", "=[]", " ...", "REQUIRED", " VALUE"})
      CHECK(line.find(clutter) == std::string::npos);
  }
  const auto groups = man_subsections("OPTIONS");
  REQUIRE(groups.size() >= 8);
  std::size_t at = 0;
  for (const auto& group : groups) {
    INFO(group);
    const auto found = help.find("\n" + group + ":\n", at);
    CHECK(found != std::string::npos);  // present, and after the one before, as in the man page
    if (found != std::string::npos) at = found;
  }
  CHECK(help.find("volley enqueue --help") != std::string::npos);
  CHECK(help.find("  -c, --concurrency N") != std::string::npos);
  CHECK(help.find("(default 50)") != std::string::npos);
  CHECK(help.find("(default 10M)") != std::string::npos);
  CHECK(help.find("(default 0.25)") != std::string::npos);
}

TEST_CASE("flags: --help shows the man page's groups only") {
  const auto groups = man_subsections("OPTIONS");
  for (const auto& line : lines_of(help_text())) {
    if (line.empty() || line.front() == ' ' || line.back() != ':') continue;
    const std::string title = line.substr(0, line.size() - 1);
    INFO(title);
    CHECK((title == "Arguments" || std::find(groups.begin(), groups.end(), title) != groups.end()));
  }
}
