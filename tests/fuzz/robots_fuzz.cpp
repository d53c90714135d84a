// libFuzzer target for the robots.txt rules: the first line of the input is the request target,
// the rest the robots.txt body, parsed for the token "volley". Besides crashes, ASan reports and
// timeouts (a matcher that backtracks), it traps on any verdict that breaks the module's promises.
#include "robots/robots.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace volley;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// The same target with every unreserved character escaped, escapes left alone: RFC 9309 says
// it names the same path.
std::string escape_unreserved(std::string_view path) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%' && i + 2 < path.size() && is_hex(path[i + 1]) && is_hex(path[i + 2])) {
      out += path.substr(i, 3);
      i += 2;
      continue;
    }
    if (!is_unreserved(c)) {
      out += c;
      continue;
    }
    const auto octet = static_cast<unsigned char>(c);
    out += '%';
    out += digits[octet >> 4];
    out += digits[octet & 0xF];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view path = newline == std::string_view::npos ? std::string_view{} : input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? input : input.substr(newline + 1);

  const RobotsRules rules = RobotsRules::parse(body, "volley");
  const bool verdict = rules.allowed(path);
  check(rules.allowed(escape_unreserved(path)) == verdict);
  check(rules.allowed("/robots.txt"));
  // The shortest rule line ("allow:x") and its line end take 8 bytes of the parsed prefix.
  check(rules.rule_count() <= robots_parse_limit / 8 + 1);
  if (const auto delay = rules.crawl_delay()) check(*delay >= 0 && *delay <= robots_max_crawl_delay);
  return 0;
}
