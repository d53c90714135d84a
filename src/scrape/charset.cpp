#include "scrape/charset.hpp"

#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>

namespace volley {

namespace {

struct Alias {
  std::string_view label;
  const char* name;
};

// Labels from the WHATWG Encoding Standard that the numbered families below do not cover. Where
// browsers read a label as a superset (latin1 as windows-1252, Shift_JIS as windows-31j, gb2312
// as gb18030), so do we: pages labelled that way are written for browsers.
constexpr Alias aliases[] = {
    {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"}, {"unicode11utf8", "UTF-8"},
    {"unicode20utf8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
    {"latin1", "CP1252"}, {"l1", "CP1252"}, {"ascii", "CP1252"}, {"us-ascii", "CP1252"},
    {"ansi_x3.4-1968", "CP1252"}, {"cp819", "CP1252"}, {"ibm819", "CP1252"}, {"iso-ir-100", "CP1252"},
    {"csisolatin1", "CP1252"}, {"iso_8859-1:1987", "CP1252"}, {"x-user-defined", "CP1252"},
    {"latin2", "ISO-8859-2"}, {"l2", "ISO-8859-2"}, {"csisolatin2", "ISO-8859-2"},
    {"latin3", "ISO-8859-3"}, {"l3", "ISO-8859-3"}, {"latin4", "ISO-8859-4"}, {"l4", "ISO-8859-4"},
    {"cyrillic", "ISO-8859-5"}, {"csisolatincyrillic", "ISO-8859-5"}, {"arabic", "ISO-8859-6"},
    {"greek", "ISO-8859-7"}, {"greek8", "ISO-8859-7"}, {"hebrew", "ISO-8859-8"}, {"iso-8859-8-i", "ISO-8859-8"},
    {"latin5", "CP1254"}, {"l5", "CP1254"}, {"latin6", "ISO-8859-10"}, {"l6", "ISO-8859-10"},
    {"latin9", "ISO-8859-15"}, {"l9", "ISO-8859-15"},
    {"koi8-r", "KOI8-R"}, {"koi8_r", "KOI8-R"}, {"koi8", "KOI8-R"}, {"koi", "KOI8-R"}, {"cskoi8r", "KOI8-R"},
    {"koi8-u", "KOI8-U"}, {"koi8-ru", "KOI8-U"},
    {"ibm866", "CP866"}, {"cp866", "CP866"}, {"866", "CP866"}, {"csibm866", "CP866"},
    {"macintosh", "MACINTOSH"}, {"mac", "MACINTOSH"}, {"x-mac-roman", "MACINTOSH"}, {"csmacintosh", "MACINTOSH"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"}, {"x-mac-ukrainian", "MAC-CYRILLIC"},
    {"windows-874", "CP874"}, {"dos-874", "CP874"}, {"tis-620", "CP874"},
    {"gbk", "GB18030"}, {"gb2312", "GB18030"}, {"gb_2312", "GB18030"}, {"gb_2312-80", "GB18030"},
    {"chinese", "GB18030"}, {"csgb2312", "GB18030"}, {"csiso58gb231280", "GB18030"}, {"iso-ir-58", "GB18030"},
    {"x-gbk", "GB18030"}, {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"}, {"big5-hkscs", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"}, {"csbig5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"}, {"cseucpkdfmtjapanese", "EUC-JP"},
    {"iso-2022-jp", "ISO-2022-JP"}, {"csiso2022jp", "ISO-2022-JP"},
    {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"ms_kanji", "CP932"}, {"x-sjis", "CP932"},
    {"windows-31j", "CP932"}, {"csshiftjis", "CP932"}, {"ms932", "CP932"},
    {"euc-kr", "CP949"}, {"cseuckr", "CP949"}, {"csksc56011987", "CP949"}, {"iso-ir-149", "CP949"},
    {"korean", "CP949"}, {"ks_c_5601-1987", "CP949"}, {"ks_c_5601-1989", "CP949"}, {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"}, {"windows-949", "CP949"},
    {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"}, {"unicode", "UTF-16LE"}, {"ucs-2", "UTF-16LE"},
    {"csunicode", "UTF-16LE"}, {"iso-10646-ucs-2", "UTF-16LE"}, {"unicodefeff", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"}, {"unicodefffe", "UTF-16BE"},
};

// The number after one of `prefixes`, or -1 when `label` is not such a prefix and digits alone.
int numbered(std::string_view label, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (label.size() <= p.size() || label.substr(0, p.size()) != p || label.size() - p.size() > 4) continue;
    int n = 0;
    for (char c : label.substr(p.size())) {
      if (!is_ascii_digit(c)) return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return -1;
}

// The `charset` parameter of a Content-Type header value, unquoted; empty when there is none.
std::string_view content_type_charset(std::string_view content_type) {
  for (std::size_t semi = content_type.find(';'); semi != std::string_view::npos;) {
    const std::size_t next = content_type.find(';', semi + 1);
    const std::string_view param = content_type.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1);
    semi = next;
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || !ascii_iequals(trim(param.substr(0, eq), html_space), "charset")) continue;
    std::string_view value = trim(param.substr(eq + 1), html_space);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return {};
}

std::string_view bom_charset(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") return "UTF-8";
  if (body.substr(0, 2) == "\xFE\xFF") return "UTF-16BE";
  if (body.substr(0, 2) == "\xFF\xFE") return "UTF-16LE";
  return {};
}

// WHATWG "extracting a character encoding from a meta element": the label after `charset=` in
// a <meta content> value.
std::string_view charset_in_meta_content(std::string_view s) {
  const std::string lower = ascii_lowered(s);
  for (std::size_t at = 0;;) {
    at = lower.find("charset", at);
    if (at == std::string::npos) return {};
    at += 7;
    while (at < s.size() && is_html_space(s[at])) ++at;
    if (at >= s.size() || s[at] != '=') continue;
    ++at;
    while (at < s.size() && is_html_space(s[at])) ++at;
    if (at >= s.size()) return {};
    if (s[at] == '"' || s[at] == '\'') {
      const std::size_t close = s.find(s[at], at + 1);
      return close == std::string_view::npos ? std::string_view{} : s.substr(at + 1, close - at - 1);
    }
    std::size_t end = at;
    while (end < s.size() && !is_html_space(s[end]) && s[end] != ';') ++end;
    return s.substr(at, end - at);
  }
}

struct Attribute {
  std::string name;  // lower-cased
  std::string value;
};

// WHATWG "get an attribute" of the prescan: reads one attribute at `at` and moves past it.
// False at the tag's '>' or at the end of the bytes.
bool next_attribute(std::string_view s, std::size_t& at, Attribute& attr) {
  attr = {};
  while (at < s.size() && (is_html_space(s[at]) || s[at] == '/')) ++at;
  if (at >= s.size() || s[at] == '>') return false;
  for (; at < s.size(); ++at) {
    const char c = s[at];
    if (c == '=' && !attr.name.empty()) break;
    if (is_html_space(c)) {
      while (at < s.size() && is_html_space(s[at])) ++at;
      if (at >= s.size() || s[at] != '=') return at < s.size();
      break;
    }
    if (c == '/' || c == '>') return true;
    attr.name += ascii_lower(c);
  }
  if (at >= s.size()) return false;
  ++at;  // '='
  while (at < s.size() && is_html_space(s[at])) ++at;
  if (at >= s.size()) return false;
  if (s[at] == '"' || s[at] == '\'') {
    const std::size_t close = s.find(s[at], at + 1);
    if (close == std::string_view::npos) return false;
    attr.value = s.substr(at + 1, close - at - 1);
    at = close + 1;
    return true;
  }
  while (at < s.size() && !is_html_space(s[at]) && s[at] != '>') attr.value += s[at++];
  return true;
}

// The charset of one <meta> whose attributes start at `at`; empty when it declares none we know.
std::string meta_charset(std::string_view s, std::size_t& at) {
  bool got_pragma = false;
  int need_pragma = -1;  // -1: neither charset nor content seen
  std::string label;
  std::string seen;  // names already read, '\0'-separated: only the first of each counts
  for (Attribute attr; next_attribute(s, at, attr);) {
    const std::string key = attr.name + '\0';
    if (seen.find('\0' + key) != std::string::npos) continue;
    seen += '\0' + key;
    if (attr.name == "http-equiv") {
      got_pragma = ascii_iequals(attr.value, "content-type");
    } else if (attr.name == "content" && label.empty()) {
      label = charset_in_meta_content(attr.value);
      if (!label.empty()) need_pragma = 1;
    } else if (attr.name == "charset") {
      label = attr.value;
      need_pragma = 0;
    }
  }
  if (need_pragma < 0 || (need_pragma == 1 && !got_pragma)) return {};
  std::string name = charset_from_label(label);
  // A document that could say "utf-16" in ASCII bytes is not UTF-16; browsers read it as UTF-8.
  if (name == "UTF-16LE" || name == "UTF-16BE") name = "UTF-8";
  return name;
}

// WHATWG "prescan a byte stream to determine its encoding", over the first 1024 bytes.
std::string prescan_meta(std::string_view body) {
  const std::string_view s = body.substr(0, 1024);
  for (std::size_t at = 0; at < s.size();) {
    if (s.compare(at, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", at + 2);
      if (end == std::string_view::npos) break;
      at = end + 3;
    } else if (ascii_istarts_with(s.substr(at), "<meta") && at + 5 < s.size() && (is_html_space(s[at + 5]) || s[at + 5] == '/')) {
      at += 5;
      if (std::string name = meta_charset(s, at); !name.empty()) return name;
    } else if (s[at] == '<' && at + 1 < s.size() &&
               (is_ascii_letter(s[at + 1]) || (s[at + 1] == '/' && at + 2 < s.size() && is_ascii_letter(s[at + 2])))) {
      // Other tags are read attribute by attribute, so that "<meta" inside a quoted value is no meta.
      while (at < s.size() && !is_html_space(s[at]) && s[at] != '>') ++at;
      for (Attribute attr; next_attribute(s, at, attr);) {
      }
      ++at;
    } else if (s.compare(at, 2, "<!") == 0 || s.compare(at, 2, "</") == 0 || s.compare(at, 2, "<?") == 0) {
      const std::size_t end = s.find('>', at + 2);
      if (end == std::string_view::npos) break;
      at = end + 1;
    } else {
      ++at;
    }
  }
  return {};
}

// A body cut at the size cap may end inside a character; that does not make it another charset,
// if what comes before shows UTF-8 characters (a Latin-1 "café" also ends in a lead byte).
bool is_utf8_save_a_cut_tail(std::string_view s) {
  std::size_t keep = s.size();
  for (std::size_t k = 1; k <= 3 && k <= s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[s.size() - k]);
    if (c < 0x80) break;
    if (c >= 0xC0) {
      const std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (need > k) keep = s.size() - k;
      break;
    }
  }
  const std::string_view kept = s.substr(0, keep);
  if (keep < s.size() && std::none_of(kept.begin(), kept.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return false;
  return is_valid_utf8(kept);
}

std::string repair_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out += s[i++];
      continue;
    }
    std::size_t n = 2;
    while (n <= 4 && !is_valid_utf8(s.substr(i, n))) ++n;
    if (n <= 4) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

struct Iconv {
  iconv_t cd;
  explicit Iconv(const char* from) : cd(iconv_open("UTF-8", from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd);
  }
  bool ok() const { return cd != reinterpret_cast<iconv_t>(-1); }
};

std::string convert(Iconv& conv, std::string_view body) {
  char* in = const_cast<char*>(body.data());  // iconv's signature; it does not write there
  std::size_t in_left = body.size();
  std::string out(body.size() + body.size() / 2 + 64, '\0');
  std::size_t used = 0;
  for (;;) {
    if (out.size() - used < 16) out.resize(out.size() * 2);
    char* o = out.data() + used;
    std::size_t o_left = out.size() - used;
    // With the input used up, one more call writes what a stateful decoder (ISO-2022-JP) holds.
    const bool flushing = in_left == 0;
    const std::size_t r = flushing ? iconv(conv.cd, nullptr, nullptr, &o, &o_left)
                                   : iconv(conv.cd, &in, &in_left, &o, &o_left);
    const int err = errno;
    used = static_cast<std::size_t>(o - out.data());
    if (r != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      continue;
    }
    if (err == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    if (flushing) break;
    // EILSEQ: a byte that starts no character; EINVAL: the body ends inside one.
    if (out.size() - used < 3) out.resize(out.size() * 2);
    std::memcpy(out.data() + used, "\xEF\xBF\xBD", 3);
    used += 3;
    if (err == EINVAL) {
      in_left = 0;
    } else {
      ++in;
      --in_left;
    }
  }
  out.resize(used);
  return out;
}

}  // namespace

std::string charset_from_label(std::string_view label) {
  const std::string l = ascii_lowered(trim(label, html_space));
  for (const Alias& a : aliases)
    if (a.label == l) return a.name;
  const int iso = numbered(l, {"iso-8859-", "iso8859-", "iso_8859-", "iso8859"});
  if (iso == 1) return "CP1252";
  if (iso == 9) return "CP1254";
  if (iso == 11) return "CP874";
  if ((iso >= 2 && iso <= 8) || iso == 10 || (iso >= 13 && iso <= 16)) return "ISO-8859-" + std::to_string(iso);
  const int win = numbered(l, {"windows-", "x-cp", "cp"});
  if (win >= 1250 && win <= 1258) return "CP" + std::to_string(win);
  return {};
}

std::string sniff_charset(std::string_view body, std::string_view content_type, bool html) {
  if (std::string_view bom = bom_charset(body); !bom.empty()) return std::string(bom);
  if (std::string name = charset_from_label(content_type_charset(content_type)); !name.empty()) return name;
  if (html) {
    if (std::string name = prescan_meta(body); !name.empty()) return name;
  }
  return is_utf8_save_a_cut_tail(body) ? "UTF-8" : "CP1252";
}

std::string to_utf8(std::string_view body, const std::string& charset) {
  if (!body.empty() && bom_charset(body) == charset) body.remove_prefix(charset == "UTF-8" ? 3 : 2);
  if (charset == "UTF-8") return repair_utf8(body);
  Iconv conv(charset.c_str());
  if (!conv.ok()) {
    Iconv fallback("CP1252");
    return fallback.ok() ? convert(fallback, body) : repair_utf8(body);
  }
  return convert(conv, body);
}

}  // namespace volley
