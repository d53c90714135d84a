// libFuzzer target for scan_html(): the tokenizer must find what gumbo's tree holds, the same
// title, <base href>, links (in document order, repeats aside) and nofollow facts for any input.
// Traps on the first difference; the exceptions are the tree-construction effects listed in
// html_oracle.hpp.
#include "gumbo_scan.hpp"
#include "html_oracle.hpp"
#include "util/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace volley;

// gumbo 0.10.1 leaks the tokens some insertion modes ignore without freeing them (a doctype in
// <noscript> in the head: "<noscript><!DOCTYPE"). That is the oracle's leak, not the scanner's,
// whose leaks extract_fuzz still finds.
extern "C" const char* __lsan_default_suppressions() { return "leak:libgumbo.so\n"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // scan_html() takes UTF-8, as extract() hands it after conversion.
  const std::string html = to_valid_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  if (oracle_exception(html)) return 0;
  const HtmlWants wants{true, true, true, true};
  if (!same_scan(html, scan_html(html, wants), gumbo_scan_html(html, wants))) __builtin_trap();
  return 0;
}
