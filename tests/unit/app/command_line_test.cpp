#include "app/command_line.hpp"

#include <catch2/catch.hpp>

using namespace volley;

using Args = std::vector<std::string>;

TEST_CASE("command_line: --links takes a or all after a space or an =") {
  CHECK(attach_links_value({"--links", "all", "u"}) == Args{"--links=all", "u"});
  CHECK(attach_links_value({"--links", "a", "u"}) == Args{"--links=a", "u"});
  CHECK(attach_links_value({"--links=all", "u"}) == Args{"--links=all", "u"});
  CHECK(attach_links_value({"u", "--links"}) == Args{"u", "--links=a"});
  CHECK(attach_links_value({"-q", "--links", "-v"}) == Args{"-q", "--links=a", "-v"});
}

TEST_CASE("command_line: a URL after --links stays a URL") {
  CHECK(attach_links_value({"--links", "http://x/"}) == Args{"--links=a", "http://x/"});
  CHECK(attach_links_value({"--links", "al"}) == Args{"--links=a", "al"});
  CHECK(attach_links_value({"--links", "ALL"}) == Args{"--links=a", "ALL"});
}

TEST_CASE("command_line: nothing after -- is rewritten") {
  CHECK(attach_links_value({"--links", "--", "all"}) == Args{"--links=a", "--", "all"});
  CHECK(attach_links_value({"--", "--links", "all"}) == Args{"--", "--links", "all"});
  CHECK(attach_links_value({}).empty());
}

TEST_CASE("command_line: - among the URLs is stdin, once") {
  Options o;
  o.urls = {"a", "-", "b", "-"};
  take_stdin_from_urls(o);
  CHECK(o.urls == Args{"a", "b"});
  CHECK(o.inputs == Args{"-"});

  Options given;
  given.urls = {"-"};
  given.inputs = {"f", "-"};
  take_stdin_from_urls(given);
  CHECK(given.urls.empty());
  CHECK(given.inputs == Args{"f", "-"});

  Options none;
  none.urls = {"a"};
  take_stdin_from_urls(none);
  CHECK(none.urls == Args{"a"});
  CHECK(none.inputs.empty());
}

TEST_CASE("command_line: edit distance counts a swap of neighbours as one") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("title", "title") == 0);
  CHECK(edit_distance("titel", "title") == 1);
  CHECK(edit_distance("concurency", "concurrency") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment, not full Damerau
}

TEST_CASE("command_line: a near miss names the flag meant") {
  const std::vector<std::string> flags{"concurrency", "connect-timeout", "title", "rate", "retries", "retry-delay",
                                       "retry-max-delay", "max-body", "links"};
  CHECK(closest_flag("--concurency", flags) == "--concurrency");
  CHECK(closest_flag("--concurrency-", flags) == "--concurrency");
  CHECK(closest_flag("--titel", flags) == "--title");
  CHECK(closest_flag("--max-bdy=1M", flags) == "--max-body");
  CHECK(closest_flag("--rat", flags) == "--rate");
  CHECK(closest_flag("--conc", flags) == "--concurrency");  // the one flag it begins
}

TEST_CASE("command_line: a far miss, an ambiguous start or a short flag names nothing") {
  const std::vector<std::string> flags{"concurrency", "rate", "retries", "retry-delay", "retry-max-delay"};
  CHECK_FALSE(closest_flag("--zzzzzzzz", flags));
  CHECK_FALSE(closest_flag("--ab", flags));
  CHECK_FALSE(closest_flag("--retry", flags));  // retry-delay or retry-max-delay
  CHECK_FALSE(closest_flag("--co", flags));
  CHECK_FALSE(closest_flag("-c", flags));
  CHECK_FALSE(closest_flag("--", flags));
  CHECK_FALSE(closest_flag("--=3", flags));
  CHECK_FALSE(closest_flag("concurency", flags));
}

TEST_CASE("command_line: an unknown flag is named with curl's meaning, a near miss, or --help") {
  const std::vector<std::string> flags{"concurrency", "method", "max-redirects", "max-body", "title", "save"};
  const std::vector<std::pair<std::string, std::string>> rows{
      {"--request", "unknown flag --request; did you mean -X/--method?"},
      {"--request=PUT", "unknown flag --request; did you mean -X/--method?"},
      {"--max-redirs=3", "unknown flag --max-redirs; did you mean --max-redirects?"},
      {"--max-filesize", "unknown flag --max-filesize; did you mean --max-body?"},
      {"--data-binary", "unknown flag --data-binary; did you mean -d/--data? (it sends its bytes as they are)"},
      {"-Z", "unknown flag -Z; volley always fetches in parallel: -c N says how many at once"},
      {"-O", "unknown flag -O; did you mean --save DIR? (each body as DIR/<seq>.body)"},
      {"--cookie", "unknown flag --cookie; send it with -H 'Cookie: NAME=VALUE'"},
      {"--titel", "unknown flag --titel; did you mean --title?"},
      {"--concurency=5", "unknown flag --concurency; did you mean --concurrency?"},
      {"--zzzzzzzz", "unknown flag --zzzzzzzz (volley --help lists the flags)"},
      {"-7", "unknown flag -7 (volley --help lists the flags)"},
  };
  for (const auto& [typed, message] : rows) CHECK(unknown_flag_message(typed, flags) == message);
  CHECK_FALSE(curl_flag_hint("--silent"));  // volley's own now: no hint needed
  CHECK_FALSE(curl_flag_hint("--max-time"));
  CHECK_FALSE(curl_flag_hint("--requests"));
}

TEST_CASE("command_line: a URL argument that begins with - is a flag taken for one, unless after --") {
  CHECK(flag_taken_as_url({"-7", "u"}, {"-7", "u"}) == "-7");
  CHECK(flag_taken_as_url({"u", "---x"}, {"u", "---x"}) == "---x");
  CHECK_FALSE(flag_taken_as_url({"-", "u"}, {"-", "u"}));
  CHECK_FALSE(flag_taken_as_url({"--rate", "-1", "u"}, {"u"}));  // a flag's value is no URL
  CHECK_FALSE(flag_taken_as_url({"u", "--", "-x", "-7"}, {"u", "-x", "-7"}));
  CHECK(flag_taken_as_url({"-7", "--", "-x"}, {"-7", "-x"}) == "-7");
  CHECK_FALSE(flag_taken_as_url({"--", "--"}, {"--"}));
  CHECK_FALSE(flag_taken_as_url({}, {}));
}

TEST_CASE("command_line: -u's value is hidden from ps in every spelling") {
  const std::vector<std::pair<Args, Args>> rows{
      {{"volley", "-u", "al:pw", "u"}, {"volley", "-u", "*****", "u"}},
      {{"volley", "--user", "al:pw", "u"}, {"volley", "--user", "*****", "u"}},
      {{"volley", "--user=al:pw", "u"}, {"volley", "--user=*****", "u"}},
      {{"volley", "-ual:pw", "u"}, {"volley", "-u*****", "u"}},
      {{"volley", "-sual:pw"}, {"volley", "-su*****"}},
      {{"volley", "-su", "al:pw"}, {"volley", "-su", "*****"}},
      {{"volley", "al:pw", "-u", "al:pw"}, {"volley", "al:pw", "-u", "*****"}},  // a URL stays
      {{"volley", "--", "-u", "al:pw"}, {"volley", "--", "-u", "al:pw"}},
  };
  for (auto [given, hidden] : rows) {
    std::vector<char*> argv;
    for (auto& arg : given) argv.push_back(arg.data());
    hide_user_value(static_cast<int>(argv.size()), argv.data(), "al:pw");
    CHECK(given == hidden);
  }
}
