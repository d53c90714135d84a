#include "output/jsonl_writer.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cerrno>
#include <future>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace volley;

TEST_CASE("jsonl_writer: a response becomes one line with every field") {
  Record r;
  r.seq = 7;
  r.url = "example.com/a";
  r.status = 200;
  r.final_url = "http://example.com/a";
  r.http_version = CURL_HTTP_VERSION_1_1;
  r.remote_ip = "127.0.0.1";
  r.content_type = "text/html";
  r.size = 1234;
  r.dns_us = 1;
  r.connect_us = 250;
  r.ttfb_us = 1500000;
  r.total_us = 2000001;
  r.elapsed_us = 3500000;
  r.attempts = 2;
  std::string line;
  append_json_line(line, r);
  REQUIRE(line.back() == '\n');
  REQUIRE(std::count(line.begin(), line.end(), '\n') == 1);
  const auto j = nlohmann::json::parse(line);
  CHECK(j["url"] == "example.com/a");
  CHECK(j["seq"] == 7);
  CHECK(j["status"] == 200);
  CHECK(j["http_version"] == "1.1");
  CHECK(j["size"] == 1234);
  CHECK(j["time"]["dns"].get<double>() == Approx(0.000001));
  CHECK(j["time"]["ttfb"].get<double>() == Approx(1.5));
  CHECK(j["time"]["total"].get<double>() == Approx(2.000001));
  CHECK(j["time"]["tls"] == 0);
  CHECK(j["elapsed"].get<double>() == Approx(3.5));
  CHECK(j["error"].is_null());
  std::size_t always = 0;
  for (const auto& f : output_fields) {
    if (f.added_by.empty()) {
      CHECK(j.contains(std::string(f.name)));
      ++always;
    }
  }
  CHECK(j.size() == always);
}

TEST_CASE("jsonl_writer: every field a record lacks is null, except meta and id, which are left off") {
  Record r;
  r.http_version = CURL_HTTP_VERSION_NONE;  // a version the line has no name for counts as none
  std::string line;
  append_json_line(line, r, OutputFields{true, true, true, true, true, true, true});
  CHECK(line ==
        R"({"url":"","seq":0,"status":null,"final_url":null,"redirects":0,"http_version":null,)"
        R"("remote_ip":null,"content_type":null,"size":0,"time":{"dns":0.000000,"connect":0.000000,)"
        R"("tls":0.000000,"ttfb":0.000000,"total":0.000000},"attempts":0,"elapsed":0.000000,)"
        R"("fetched_at":null,"error":null,"title":null,"links":[],"extract":{},"sha256":null,"headers":{},)"
        R"("saved":null,"changed":null,"last_fetched":null,"cached":false})"
        "\n");
}

TEST_CASE("jsonl_writer: a failure has null status and an error object") {
  Record r;
  r.seq = 1;
  r.url = "ftp://x";
  r.error = ErrorKind::unsupported_scheme;
  r.message = "scheme \"ftp\" is not http or https";
  std::string line;
  append_json_line(line, r);
  const auto j = nlohmann::json::parse(line);
  CHECK(j["status"].is_null());
  CHECK(j["http_version"].is_null());
  CHECK(j["content_type"].is_null());
  CHECK(j["error"]["kind"] == "unsupported_scheme");
  CHECK(j["error"]["message"] == "scheme \"ftp\" is not http or https");
}

TEST_CASE("jsonl_writer: invalid UTF-8 and control bytes still give valid JSON") {
  Record r;
  r.url = std::string("http://x/\xE9\xFF\x00\n\"", 14);
  r.content_type = "text/html; charset=\xE9";
  std::string line;
  append_json_line(line, r);
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  const auto j = nlohmann::json::parse(line);  // throws on invalid UTF-8
  CHECK(j["url"] == std::string("http://x/\xEF\xBF\xBD\xEF\xBF\xBD\0\n\"", 18));
}

namespace {

// A SOCK_SEQPACKET socket keeps each write() a message of its own, and read() returns one message
// at a time: reading what arrived counts the writer's write() calls and shows where each ended.
std::vector<std::string> messages(int fd) {
  std::vector<std::string> out;
  std::string buf(1 << 20, '\0');
  for (ssize_t n; (n = read(fd, buf.data(), buf.size())) > 0;) out.emplace_back(buf.data(), static_cast<std::size_t>(n));
  return out;
}

bool nothing_sent(int fd) {
  char c;
  return recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) < 0 && errno == EAGAIN;
}

}  // namespace

TEST_CASE("jsonl_writer: lines reach the fd whole, in large writes") {
  int fds[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0);
  Record r;
  r.url = "http://x/";

  SECTION("below the block size nothing is written until the flush, then all of it at once") {
    {
      JsonlWriter w(fds[1], {}, 1 << 20);
      for (int i = 0; i < 10; ++i) {
        r.seq = static_cast<std::uint64_t>(i + 1);
        CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::ok);
      }
      CHECK(nothing_sent(fds[0]));
      CHECK(w.flush_due() == TimePoint{} + std::chrono::milliseconds(20));
      CHECK(w.flush() == JsonlWriter::Status::ok);
      CHECK_FALSE(w.flush_due());
    }  // closes fds[1]
    const auto got = messages(fds[0]);
    REQUIRE(got.size() == 1);
    CHECK(std::count(got[0].begin(), got[0].end(), '\n') == 10);
  }

  SECTION("past the block size each write() carries a block's worth of whole lines") {
    constexpr std::size_t block = 4096;
    constexpr int lines = 200;
    std::string one;
    append_json_line(one, r);
    // Read while writing, so that a writer that sent many small messages fails the checks below
    // instead of blocking on a full socket buffer.
    auto reader = std::async(std::launch::async, messages, fds[0]);
    {
      JsonlWriter w(fds[1], {}, block);
      for (int i = 0; i < lines; ++i) CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::ok);
    }  // the destructor flushes the rest and closes fds[1]
    // The buffer goes out when a line takes it to the block size: every write but the last holds
    // exactly the lines that first reach it.
    const std::size_t per_write = (block + one.size() - 1) / one.size();
    const auto got = reader.get();
    REQUIRE(got.size() == (lines + per_write - 1) / per_write);
    std::size_t total_lines = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO("write " << i + 1 << " of " << got.size() << ": " << got[i].size() << " bytes");
      REQUIRE(got[i].size() % one.size() == 0);  // whole lines (all alike), none split
      CHECK(got[i].substr(0, one.size()) == one);
      if (i + 1 < got.size()) CHECK(got[i].size() == per_write * one.size());
      total_lines += got[i].size() / one.size();
    }
    CHECK(total_lines == lines);
  }
  close(fds[0]);
}

TEST_CASE("jsonl_writer: held lines are not written, even past the block size or when destroyed") {
  int fds[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0);
  Record r;
  r.url = "http://x/";
  SECTION("released: they go out at the next flush") {
    JsonlWriter w(fds[1], {}, 64);
    w.hold(true);
    for (int i = 0; i < 10; ++i) CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::ok);
    CHECK_FALSE(w.flush_due());
    CHECK(w.flush() == JsonlWriter::Status::ok);
    CHECK(nothing_sent(fds[0]));
    w.hold(false);
    CHECK(w.flush_due() == TimePoint{} + std::chrono::milliseconds(20));
    CHECK(w.flush() == JsonlWriter::Status::ok);
    CHECK_FALSE(nothing_sent(fds[0]));
  }
  SECTION("never released: dropped") {
    {
      JsonlWriter w(fds[1], {}, 64);
      w.hold(true);
      for (int i = 0; i < 10; ++i) CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::ok);
    }  // closes fds[1]
    CHECK(messages(fds[0]).empty());
  }
  close(fds[0]);
}

TEST_CASE("jsonl_writer: a closed pipe is reported as broken, not as a crash") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  JsonlWriter w(fds[1], {}, 16);
  Record r;
  CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::broken_pipe);
  CHECK(w.write(r, TimePoint{}) == JsonlWriter::Status::broken_pipe);
}

TEST_CASE("jsonl_writer: asked-for fields follow; a repeated header is one string, set-cookie an array; meta is verbatim") {
  Record r;
  r.url = "http://x/";
  r.headers = {{"content-type", "text/html"}, {"set-cookie", "a=1"}, {"x-rep", "1"},
               {"x-latin", "caf\xE9"}, {"set-cookie", "b=2"}, {"x-rep", "2"}};
  r.meta = R"({"user":7,"tags":["a"]})";
  OutputFields fields;
  fields.headers = true;
  fields.saved = true;
  std::string line;
  append_json_line(line, r, fields);
  const auto j = nlohmann::ordered_json::parse(line);
  CHECK(j["headers"]["content-type"] == "text/html");
  CHECK(j["headers"]["set-cookie"] == nlohmann::json::array({"a=1", "b=2"}));
  CHECK(j["headers"]["x-rep"] == "1, 2");
  CHECK(j["headers"]["x-latin"] == "caf\xEF\xBF\xBD");
  CHECK(j["saved"].is_null());
  CHECK(j["meta"].dump() == R"({"user":7,"tags":["a"]})");

  line.clear();
  append_json_line(line, Record{});
  const auto plain = nlohmann::json::parse(line);
  CHECK_FALSE(plain.contains("headers"));
  CHECK_FALSE(plain.contains("meta"));
}

TEST_CASE("jsonl_writer: a single set-cookie is still an array") {
  Record r;
  r.headers = {{"set-cookie", "a=1, b"}, {"x-one", "v"}};
  OutputFields fields;
  fields.headers = true;
  std::string line;
  append_json_line(line, r, fields);
  const auto j = nlohmann::json::parse(line);
  CHECK(j["headers"]["set-cookie"] == nlohmann::json::array({"a=1, b"}));
  CHECK(j["headers"]["x-one"] == "v");
}

TEST_CASE("jsonl_writer: header names keep the order of their first appearance, repeats joined in order") {
  Record r;
  r.headers = {{"b", "1"}, {"a", "2"}, {"b", "3"}, {"c", "4"}, {"a", "5"}, {"b", "6"}};
  OutputFields fields;
  fields.headers = true;
  std::string line;
  append_json_line(line, r, fields);
  const auto j = nlohmann::ordered_json::parse(line);
  CHECK(j["headers"].dump() == R"({"b":"1, 3, 6","a":"2, 5","c":"4"})");
}

TEST_CASE("jsonl_writer: grouping header names takes linear time") {
  // 100,000 distinct names: the quadratic scan this replaced took 26 s on a loaded 2-core machine.
  Record r;
  for (int i = 0; i < 100000; ++i) r.headers.emplace_back("h" + std::to_string(i), "v");
  r.headers.emplace_back("h7", "again");
  OutputFields fields;
  fields.headers = true;
  std::string line;
  const auto t0 = std::chrono::steady_clock::now();
  append_json_line(line, r, fields);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < std::chrono::seconds(2));
  const auto j = nlohmann::json::parse(line);
  CHECK(j["headers"].size() == 100000);
  CHECK(j["headers"]["h7"] == "v, again");
}

TEST_CASE("jsonl_writer: a failed write leaves the file ending on a whole line") {
  ScratchDir dir;
  const int fd = JsonlWriter::open_output(dir / "out.jsonl");
  const auto size = [fd] { return lseek(fd, 0, SEEK_END); };
  {
    JsonlWriter w(fd, {}, 16);  // a block this small writes every line at once
    Record r;
    r.url = "http://x/";
    REQUIRE(w.write(r, TimePoint{}) == JsonlWriter::Status::ok);
    const auto whole = size();
    REQUIRE(whole > 0);
    // A file size limit makes the next write stop part-way through a line, as a full disk does.
    signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit limit = old;
    limit.rlim_cur = static_cast<rlim_t>(whole + 10);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
    const auto status = w.write(r, TimePoint{});
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(status == JsonlWriter::Status::failed);
    CHECK(w.error_number() == EFBIG);
    CHECK(size() == whole);
  }
}

TEST_CASE("jsonl_writer: fetched_at is ISO 8601 UTC to the millisecond, null when never started") {
  Record r;
  r.url = "http://x/";
  std::string line;
  append_json_line(line, r);
  CHECK(nlohmann::json::parse(line)["fetched_at"].is_null());
  r.fetched_at_ms = 1795636330123;
  line.clear();
  append_json_line(line, r);
  CHECK(nlohmann::json::parse(line)["fetched_at"] == "2026-11-25T19:52:10.123Z");
}
