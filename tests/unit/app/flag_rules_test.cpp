#include "app/flag_rules.hpp"

#include "app/command_line.hpp"
#include "app/flags.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

using namespace volley;

namespace {

constexpr const char* usage =
    "Usage: volley [OPTIONS] [URL...] [-i FILE]...   (or: COMMAND | volley [OPTIONS])\n"
    "Try 'volley --help' for more information.\n";

struct Row {
  std::vector<std::string> flags;
  std::string expected;  // empty: the flags go together
  bool stdin_terminal = false;
  bool stdout_closed = false;
};

// The flags through the run's own declarations and parse, and the facts gathered as main() does.
std::optional<FlagConflict> rules_for(const Row& row) {
  Options o;
  FlagText text;
  CLI::App app;
  declare_flags(app, o, text);
  std::vector<std::string> argv_text{"volley"};
  argv_text.insert(argv_text.end(), row.flags.begin(), row.flags.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  REQUIRE_FALSE(parse_flags(app, static_cast<int>(argv.size()), argv.data()));
  take_stdin_from_urls(o);
  return check_flag_rules(o, FlagFacts{text.shard != "1/1", row.stdin_terminal, row.stdout_closed});
}

const std::string q = "redis://127.0.0.1/urls";

}  // namespace

TEST_CASE("flag_rules: each rule, with the exact message") {
  const std::vector<Row> rows{
      {{"u"}, ""},
      {{"--queue", q, "u"}, "--queue reads its URLs from the queue: give no URL and no -i"},
      {{"--queue", q, "-i", "list.txt"}, "--queue reads its URLs from the queue: give no URL and no -i"},
      {{"--queue", q, "--shard", "2/3"}, "--shard does not apply to --queue: split the queue with volley enqueue --shards N"},
      {{"--queue", q, "--shard", "1/1"}, ""},
      {{"--queue", q, "--resume", "-o", "out.jsonl"},
       "--resume does not apply to --queue: entries without a line stay pending for the workers"},
      {{"--results", "redis://127.0.0.1/lines", "u"}, "--results needs --queue, and takes the place of -o"},
      {{"--queue", q, "--results", "redis://127.0.0.1/lines", "-o", "out.jsonl"},
       "--results needs --queue, and takes the place of -o"},
      {{"--queue", q, "--results", "redis://:secret@127.0.0.1:6379/urls"},
       "--results names the stream --queue reads: give the lines a stream of their own"},
      {{"--queue", q, "--results", "redis://127.0.0.1:6380/urls"}, ""},
      {{"--queue", "redis://Queue.Example/urls", "--results", "redis://queue.example:6379/urls"},
       "--results names the stream --queue reads: give the lines a stream of their own"},
      {{"--queue", "redis://queue.example/urls", "--results", "redis://queue.example/URLS"}, ""},
      {{}, usage, true},
      {{}, ""},
      {{"-"}, "", true},
      {{"--queue", q}, "", true},
      {{"--resume", "u"}, "--resume needs -o FILE: it fetches what FILE has no line for yet, and appends to it"},
      {{"-a", "--resume", "u"}, "--resume needs -o FILE: it fetches what FILE has no line for yet, and appends to it"},
      {{"-a", "u"}, "-a/--append needs -o FILE"},
      {{"-a", "--resume", "-o", "out.jsonl", "u"}, ""},
      {{"u"}, "standard output is closed: give -o FILE or an open stdout", false, true},
      {{"-o", "out.jsonl", "u"}, "", false, true},
      {{"--queue", q, "--results", "redis://127.0.0.1/lines"}, "", false, true},
      {{"--queue", q, "--crawl"}, "--crawl does not apply to --queue: crawl from a list or stdin"},
      {{"--crawl", "--resume", "-o", "out.jsonl", "u"},
       "--resume of a --crawl needs --state FILE: the pages found and not yet fetched are kept there"},
      {{"--crawl", "--resume", "-o", "out.jsonl", "--state", "s.db", "u"}, ""},
      {{"--crawl", "--shard", "1/2", "u"},
       "--crawl does not apply to --shard: crawl each set of seeds in a run of its own"},
      {{"--crawl", "--shard", "1/1", "u"}, ""},
  };
  for (const Row& row : rows) {
    std::string given;
    for (const auto& f : row.flags) given += f + " ";
    INFO("flags: " << given << "stdin terminal: " << row.stdin_terminal << ", stdout closed: " << row.stdout_closed);
    const auto conflict = rules_for(row);
    CHECK((conflict ? conflict->message : "") == row.expected);
    CHECK((conflict && conflict->usage) == (row.expected == usage));
  }
}

TEST_CASE("flag_rules: the first rule broken is the one reported") {
  CHECK(rules_for({{"--queue", q, "u", "--shard", "2/3", "--resume"}, ""})->message ==
        "--queue reads its URLs from the queue: give no URL and no -i");
  CHECK(rules_for({{"--queue", q, "--shard", "2/3", "--resume"}, ""})->message ==
        "--shard does not apply to --queue: split the queue with volley enqueue --shards N");
  CHECK(rules_for({{"--resume"}, "", true})->usage);
  CHECK(rules_for({{"-a", "u"}, "", false, true})->message == "-a/--append needs -o FILE");
}
