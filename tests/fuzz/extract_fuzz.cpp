// libFuzzer target for extract(): the first line of the input is the Content-Type, the rest the
// body. Besides crashes and ASan reports, it traps on any output that breaks extract()'s promises.
#include "scrape/extract.hpp"
#include "util/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace volley;

namespace {

const ExtractConfig& config() {
  static const ExtractConfig cfg = [] {
    ExtractConfig c;
    c.title = true;
    c.links = ExtractConfig::Links::all;
    c.crawl = true;
    c.max_matches = 20;
    c.add_pattern(R"(h1=(?i)<h1[^>]*>([^<]*))");
    c.add_pattern(R"([\w.+-]+@[\w-]+\.[\w.]+)");
    c.add_pattern("any=.");
    c.add_pattern("empty=x*");
    return c;
  }();
  return cfg;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view content_type = newline == std::string_view::npos ? std::string_view{} : input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? input : input.substr(newline + 1);

  const Extracted got = extract(config(), body, content_type, "http://fuzz.example/dir/page.html?q=1");
  check(!got.title || is_valid_utf8(*got.title));
  check(got.link_nofollow.size() == got.links.size());  // parallel, whatever repeats were merged
  for (const std::string& link : got.links) {
    check(is_valid_utf8(link));
    check(link.rfind("http://", 0) == 0 || link.rfind("https://", 0) == 0);
    check(link.find('#') == std::string::npos);
  }
  check(got.matches.size() == config().patterns.size());
  for (const auto& [name, values] : got.matches) {
    check(values.size() <= config().max_matches);
    for (const std::string& v : values) check(is_valid_utf8(v));
  }
  return 0;
}
