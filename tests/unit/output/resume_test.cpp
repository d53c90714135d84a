#include "output/resume.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

std::string line(std::uint64_t seq, const std::string& url, const char* kind = nullptr) {
  std::string error = kind ? std::string("{\"kind\":\"") + kind + "\",\"message\":\"m\"}" : "null";
  return "{\"url\":\"" + url + "\",\"seq\":" + std::to_string(seq) +
         ",\"status\":null,\"time\":{\"total\":0.1},\"error\":" + error + ",\"title\":\"x\"}\n";
}

std::string url_of(std::uint64_t seq) { return "http://h/" + std::to_string(seq); }

ResumeScanner scan(const std::string& bytes, std::size_t chunk = 7) {
  ResumeScanner s;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) s.feed(std::string_view(bytes).substr(at, chunk));
  s.finish();
  return s;
}

ResumeCheck::Verdict check(const ResumeState& state, std::uint64_t urls, std::uint64_t changed = 0) {
  ResumeCheck c(state);
  for (std::uint64_t seq = 1; seq <= urls && c.verdict() == ResumeCheck::Verdict::pending; ++seq)
    c.add(seq, seq == changed ? "http://other/" : url_of(seq));
  c.end_of_input();
  return c.verdict();
}

}  // namespace

TEST_CASE("resume: a line gives its seq, its URL decoded and whether it was interrupted") {
  auto l = parse_resume_line(R"({"url":"http://a/\u00e9\"","seq":12,"error":null})");
  REQUIRE(l);
  CHECK(l->seq == 12);
  CHECK(l->url == "http://a/\xc3\xa9\"");
  CHECK_FALSE(l->interrupted());
  l = parse_resume_line(R"({"url":"u","seq":3,"error":{"kind":"interrupted","message":"SIGTERM"}})");
  REQUIRE(l);
  CHECK(l->interrupted());
  l = parse_resume_line(R"({"url":"u","seq":3,"error":{"kind":"dns","message":"x"}})" "\r");
  REQUIRE(l);
  CHECK_FALSE(l->interrupted());
}

TEST_CASE("resume: a line gives the outcome the summary counts, and defaults for what it lacks") {
  auto l = parse_resume_line(R"({"url":"u","seq":1,"status":404,"size":12,"time":{"dns":0.1,"total":0.25},)"
                             R"("attempts":2,"error":null,"cached":true})");
  REQUIRE(l);
  CHECK(l->error == ErrorKind::none);
  CHECK(l->status == 404);
  CHECK(l->size == 12);
  CHECK(l->total_us == 250000);
  CHECK(l->attempts == 2);
  CHECK(l->cached);
  l = parse_resume_line(R"({"url":"u","seq":1,"status":null,"error":{"kind":"connect","message":"m"}})");
  REQUIRE(l);
  CHECK(l->error == ErrorKind::connect);
  CHECK_FALSE(l->status);
  CHECK((l->size == 0 && l->total_us == 0 && l->attempts == 0 && !l->cached));
  l = parse_resume_line(R"({"url":"u","seq":1,"error":{"kind":"from_a_later_volley","message":"m"}})");
  REQUIRE(l);
  CHECK(l->error == ErrorKind::other);
}

TEST_CASE("resume: a crawl's line gives its depth and parent; a list's has neither") {
  auto l = parse_resume_line(R"({"url":"http://a/x","seq":4,"error":null,"depth":2,"parent":"http://a/\u00e9"})");
  REQUIRE(l);
  CHECK(l->depth == 2);
  CHECK(l->parent == "http://a/\xc3\xa9");
  l = parse_resume_line(R"({"url":"http://a/","seq":1,"error":null,"depth":0,"parent":null})");
  REQUIRE(l);
  CHECK(l->depth == 0);
  CHECK(l->parent.empty());
  l = parse_resume_line(R"({"url":"http://a/","seq":1,"error":null})");
  REQUIRE(l);
  CHECK(l->depth == -1);
}

TEST_CASE("resume: the summary's earlier counts leave interrupted lines to the run") {
  const auto s = scan(line(1, url_of(1)) + line(2, url_of(2), "interrupted") + line(3, url_of(3), "dns") +
                      line(4, url_of(4), "interrupted") + line(4, url_of(4)));
  CHECK(s.earlier().done() == 3);
  CHECK(s.earlier().by_kind(ErrorKind::dns) == 1);
  CHECK(s.earlier().by_kind(ErrorKind::interrupted) == 0);
  CHECK(s.state().unfinished_count() == 1);  // seq 2; seq 4 was fetched again already
}

TEST_CASE("resume: what is not a whole line of volley's does not parse") {
  CHECK_FALSE(parse_resume_line(""));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":3,"err)"));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":0,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":-1,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":1.5,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":99999999999999999999,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"url":7,"seq":1,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"seq":1,"error":null})"));
  CHECK_FALSE(parse_resume_line(R"({"url":"u","seq":1,"error":{"message":"no kind"}})"));
  CHECK_FALSE(parse_resume_line(std::string("{\"url\":\"u\",\"seq\":1,\"error\":null}\0\0", 34)));
  CHECK_FALSE(parse_resume_line("http://example.com/"));
}

TEST_CASE("resume: done seqs are the lines not interrupted, in a bitmap") {
  const auto s = scan(line(1, url_of(1)) + line(3, url_of(3), "interrupted") + line(4, url_of(4), "dns") +
                      line(2, url_of(2)));
  const auto& st = s.state();
  CHECK(st.done(1));
  CHECK(st.done(2));
  CHECK_FALSE(st.done(3));  // interrupted: fetched again
  CHECK(st.done(4));        // a failure is a result: not fetched again
  CHECK_FALSE(st.done(5));
  CHECK(st.done_count() == 3);
  CHECK(st.max_seq() == 4);
  CHECK(s.keep_bytes() == s.size());
  CHECK(s.bad_lines() == 0);
}

TEST_CASE("resume: an interrupted line followed by the seq's own line is done") {
  const auto s = scan(line(1, url_of(1), "interrupted") + line(1, url_of(1)));
  CHECK(s.state().done(1));
  CHECK(s.state().lines_of(1) == 2);
  CHECK(check(s.state(), 1) == ResumeCheck::Verdict::match);
}

TEST_CASE("resume: an empty file resumes nothing and matches any input") {
  const auto s = scan("");
  CHECK(s.keep_bytes() == 0);
  CHECK(s.looks_like_output());
  CHECK(s.state().max_seq() == 0);
  CHECK(check(s.state(), 0) == ResumeCheck::Verdict::match);
  CHECK(ResumeCheck(s.state()).verdict() == ResumeCheck::Verdict::match);
}

TEST_CASE("resume: a last line without its newline is cut, even when it parses") {
  const std::string whole = line(1, url_of(1)) + line(2, url_of(2));
  for (const std::string tail : {std::string("{\"url\":\"http://h/3\",\"se"), line(3, url_of(3)).substr(0, line(3, url_of(3)).size() - 1)}) {
    const auto s = scan(whole + tail);
    CHECK(s.keep_bytes() == whole.size());
    CHECK(s.size() == whole.size() + tail.size());
    CHECK_FALSE(s.state().done(3));
    CHECK(s.bad_lines() == 0);
  }
}

TEST_CASE("resume: an unparsable last line is cut, one in the middle stays and is counted") {
  const std::string a = line(1, url_of(1));
  const std::string b = line(2, url_of(2));
  auto s = scan(a + b + std::string("\0\0\0\0\n", 5));  // what a power cut may leave
  CHECK(s.keep_bytes() == a.size() + b.size());
  CHECK(s.bad_lines() == 0);

  s = scan(a + "{\"url\":\"http://h/9\",\"s" + b + "garbage\n" + line(3, url_of(3)));
  CHECK(s.keep_bytes() == s.size());
  CHECK(s.bad_lines() == 2);
  CHECK(s.first_bad_line() == 2);
  CHECK(s.state().done(1));
  CHECK_FALSE(s.state().done(2));  // glued to the partial line before it: its seq is unknown
  CHECK(s.state().done(3));

  // A bad line then a partial one: the partial one alone is cut.
  s = scan(a + "garbage\n" + "{\"url\"");
  CHECK(s.keep_bytes() == a.size() + 8);
  CHECK(s.bad_lines() == 1);
}

TEST_CASE("resume: a file without one line of volley's is not volley's output") {
  CHECK_FALSE(scan("http://example.com/\n").looks_like_output());
  CHECK_FALSE(scan("{\"url\"").looks_like_output());
  // A summary, a pretty-printed config, a binary file: each starts as a JSON line might.
  CHECK_FALSE(scan("{\"urls\":2,\"ok\":2,\"exit\":0}\n").looks_like_output());
  CHECK_FALSE(scan("{\n  \"concurrency\": 8\n}\n").looks_like_output());
  CHECK_FALSE(scan(std::string("\0\0\0\0\x7f" "ELF\x02", 9)).looks_like_output());
  CHECK_FALSE(scan(std::string("\0\0\n{\"a\":1}\n", 11)).looks_like_output());
}

TEST_CASE("resume: a file of NULs only is empty output, cut to nothing") {
  for (const std::string nuls : {std::string(4096, '\0'), std::string(1, '\0')}) {
    const auto s = scan(nuls);
    CHECK(s.looks_like_output());
    CHECK(s.keep_bytes() == 0);
    CHECK(s.bad_lines() == 0);
  }
}

TEST_CASE("resume: a line longer than the cap is not kept in memory, and is a bad line") {
  const std::string a = line(1, url_of(1));
  std::string huge = "{" + std::string(1000, '\0');
  LineSplitter split(100);
  std::vector<std::pair<std::string, std::uint64_t>> got;
  const auto on_line = [&got](std::string_view text, std::uint64_t at) { got.emplace_back(text, at); };
  split.feed(a, on_line);
  for (std::size_t at = 0; at < huge.size(); at += 7) split.feed(std::string_view(huge).substr(at, 7), on_line);
  CHECK(split.has_tail());
  CHECK(split.tail_offset() == a.size());
  split.feed("\n" + line(2, url_of(2)), on_line);
  split.feed(huge + "\n", on_line);  // within one chunk
  REQUIRE(got.size() == 4);
  CHECK(got[1] == std::pair<std::string, std::uint64_t>("", a.size()));
  CHECK(got[2].second == a.size() + huge.size() + 1);
  CHECK(got[3] == std::pair<std::string, std::uint64_t>("", a.size() + huge.size() + 1 + got[2].first.size() + 1));

  // The scanner's cap: a partial tail of 20 MB is cut and not held.
  ResumeScanner s;
  s.feed(a + "{");
  const std::string nuls(1 << 20, '\0');
  for (int i = 0; i < 20; ++i) s.feed(nuls);
  s.finish();
  CHECK(s.looks_like_output());
  CHECK(s.keep_bytes() == a.size());
  CHECK(s.state().done(1));
}

TEST_CASE("resume: CRLF line ends still read") {
  std::string crlf;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    std::string l = line(seq, url_of(seq));
    l.insert(l.size() - 1, "\r");
    crlf += l;
  }
  const auto s = scan(crlf);
  CHECK(s.state().done_count() == 3);
  CHECK(s.keep_bytes() == s.size());
}

TEST_CASE("resume: a huge seq costs one block, not a bitmap up to it") {
  const std::uint64_t huge = 1ull << 62;
  const auto s = scan(line(huge, "http://h/") + line(1, url_of(1)));
  CHECK(s.state().done(huge));
  CHECK_FALSE(s.state().done(huge - 1));
  CHECK(s.state().max_seq() == huge);
  CHECK(s.state().memory_bytes() < 4096);
  // An input of 1 URL cannot be the list that wrote seq 2^62.
  CHECK(check(s.state(), 1) == ResumeCheck::Verdict::mismatch);
}

TEST_CASE("resume: a million done seqs take about 250 KB (two bits each)") {
  ResumeState st;
  ResumeLine l;
  for (std::uint64_t seq = 1; seq <= 1000000; ++seq) {
    l.seq = seq;
    l.url = url_of(seq);
    st.add(l);
  }
  CHECK(st.done_count() == 1000000);
  CHECK(st.memory_bytes() < 300 * 1024);
  CHECK(check(st, 1000000) == ResumeCheck::Verdict::match);
  CHECK(check(st, 1000000, 777777) == ResumeCheck::Verdict::mismatch);
}

TEST_CASE("resume: the same list matches, a changed URL or a shift or a shorter list does not") {
  std::string file;
  for (std::uint64_t seq : {1, 2, 3, 5, 8, 1500, 1501}) file += line(seq, url_of(seq));
  const auto s = scan(file);
  CHECK(check(s.state(), 1600) == ResumeCheck::Verdict::match);
  CHECK(check(s.state(), 1501) == ResumeCheck::Verdict::match);
  CHECK(check(s.state(), 1600, 8) == ResumeCheck::Verdict::mismatch);
  CHECK(check(s.state(), 1600, 1501) == ResumeCheck::Verdict::mismatch);
  CHECK(check(s.state(), 1600, 4) == ResumeCheck::Verdict::match);  // seq 4 has no line: it is fetched
  CHECK(check(s.state(), 1500) == ResumeCheck::Verdict::mismatch);
  CHECK(check(s.state(), 0) == ResumeCheck::Verdict::mismatch);

  ResumeCheck shifted(s.state());
  for (std::uint64_t seq = 1; seq <= 1600; ++seq) shifted.add(seq, url_of(seq + 1));
  CHECK(shifted.verdict() == ResumeCheck::Verdict::mismatch);
}

TEST_CASE("resume: the verdict comes as soon as the input passes the file's highest seq") {
  const auto s = scan(line(1, url_of(1)) + line(2, url_of(2)));
  ResumeCheck c(s.state());
  c.add(1, url_of(1));
  CHECK(c.verdict() == ResumeCheck::Verdict::pending);
  c.add(2, url_of(2));
  CHECK(c.verdict() == ResumeCheck::Verdict::match);
}

TEST_CASE("resume: an interrupted line naming another URL is a mismatch too") {
  const auto s = scan(line(1, url_of(1)) + line(2, "http://elsewhere/", "interrupted"));
  CHECK(check(s.state(), 2) == ResumeCheck::Verdict::mismatch);
}

TEST_CASE("resume: an input URL that is not UTF-8 matches the U+FFFD text its line carries") {
  const auto s = scan(line(1, "http://h/\xef\xbf\xbd"));
  ResumeCheck c(s.state());
  c.add(1, "http://h/\xff");
  CHECK(c.verdict() == ResumeCheck::Verdict::match);
}

TEST_CASE("resume: the mismatch message names the seq and both URLs") {
  std::string file;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) file += line(seq, url_of(seq));
  const auto s = scan(file);
  ResumeCheck c(s.state());
  for (std::uint64_t seq = 1; seq <= 5; ++seq) c.add(seq, seq == 4 ? "http://other/\x1b[2J" : url_of(seq));
  REQUIRE(c.verdict() == ResumeCheck::Verdict::mismatch);
  MismatchFinder f(c.mismatch());
  f.feed(file);
  const std::string m = f.message("out.jsonl");
  CHECK(m.find("out.jsonl has \"http://h/4\" as seq 4, where the input's URL 4 is \"http://other/\\u001b[2J\"") == 0);
  CHECK(m.find("nothing was changed") != std::string::npos);
}

TEST_CASE("resume: the mismatch message says when the input is shorter than the file") {
  const std::string file = line(1, url_of(1)) + line(2, url_of(2)) + line(3, url_of(3));
  const auto s = scan(file);
  ResumeCheck c(s.state());
  c.add(1, url_of(1));
  c.end_of_input();
  REQUIRE(c.verdict() == ResumeCheck::Verdict::mismatch);
  MismatchFinder f(c.mismatch());
  f.feed(file);
  CHECK(f.message("o").find("o has \"http://h/2\" as seq 2, but the input has only 1 URLs") == 0);
}
