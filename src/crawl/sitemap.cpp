// The sitemap reader: gzip inflated through zlib a chunk at a time, each chunk handed to expat
// as it comes out, so a sitemap never costs more than one chunk, expat's buffer for the token in
// progress (bounded by sitemap_max_token) and the locations found.
#include "crawl/sitemap.hpp"

#include "robots/robots.hpp"
#include "util/ascii.hpp"

#include <expat.h>
#include <zlib.h>

#include <array>

namespace volley {

namespace {

constexpr std::size_t inflate_chunk = 64 * 1024;
constexpr std::size_t ratio_check_after = 1u << 20;

// sitemaps.org: a <loc> is an absolute URL; only the schemes volley fetches are kept.
bool is_http_url(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"})
    if (ascii_istarts_with(url, scheme) && url.size() > scheme.size()) return true;
  return false;
}

// "sm:loc" and "loc" are the same element: sitemaps name one namespace, and sites write its
// prefix, another or none. Matching by local name takes all of them without expat's namespace
// processing, which would refuse an unbound prefix that a lenient reader can still use.
std::string_view local_name(const XML_Char* name) {
  const std::string_view full(name);
  const std::size_t colon = full.rfind(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

}  // namespace

struct SitemapReader::State {
  XML_Parser parser = XML_ParserCreate(nullptr);
  z_stream zs{};
  bool gzip_known = false;  // the first bytes have said whether it is gzip
  bool gzip = false;
  std::string held;  // a first chunk too short to tell
  std::size_t xml_bytes = 0;  // fed to expat: the inflated size for gzip
  bool finished = false;      // a limit or an error: the rest is ignored
  int depth = 0;              // of the element open, the root at 1
  bool in_entry = false;      // inside a root's <url> or <sitemap>
  bool in_loc = false;
  bool loc_too_long = false;
  std::string text;
  Sitemap out;

  State() {
    XML_SetUserData(parser, this);
    // Parameter entities and external DTDs are never read; entity declarations stop the parse
    // (below), which is stricter than expat's own amplification guard and costs sitemaps nothing.
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(parser, &State::on_start, &State::on_end);
    XML_SetCharacterDataHandler(parser, &State::on_text);
    XML_SetEntityDeclHandler(parser, &State::on_entity_decl);
  }

  ~State() {
    XML_ParserFree(parser);
    if (gzip) inflateEnd(&zs);
  }

  void fail(std::string why) {
    if (finished) return;
    out.error = std::move(why);
    finished = true;
  }

  void truncate() {
    out.truncated = true;
    finished = true;
  }

  static void on_start(void* self, const XML_Char* name, const XML_Char**) {
    auto& s = *static_cast<State*>(self);
    const std::string_view local = local_name(name);
    ++s.depth;
    if (s.depth == 1) {
      if (local == "sitemapindex") {
        s.out.index = true;
      } else if (local != "urlset") {
        s.fail("not a sitemap: the root element is <" + std::string(local) + ">");
        XML_StopParser(s.parser, XML_FALSE);
      }
    } else if (s.depth == 2) {
      s.in_entry = local == (s.out.index ? "sitemap" : "url");
    } else if (s.depth == 3 && s.in_entry && local == "loc") {
      s.in_loc = true;
      s.loc_too_long = false;
      s.text.clear();
    }
  }

  static void on_end(void* self, const XML_Char*) {
    auto& s = *static_cast<State*>(self);
    if (s.depth == 3 && s.in_loc) {
      s.in_loc = false;
      const std::string_view loc = trim(s.text, html_space);
      if (!s.loc_too_long && is_http_url(loc)) {
        if (s.out.locations.size() == sitemap_max_urls) {
          s.truncate();
          XML_StopParser(s.parser, XML_FALSE);
        } else {
          s.out.locations.emplace_back(loc);
        }
      }
    } else if (s.depth == 2) {
      s.in_entry = false;
    }
    --s.depth;
  }

  static void on_text(void* self, const XML_Char* data, int length) {
    auto& s = *static_cast<State*>(self);
    if (!s.in_loc || s.loc_too_long) return;
    if (s.text.size() + static_cast<std::size_t>(length) > sitemap_max_token) {
      s.loc_too_long = true;
      s.text.clear();
      return;
    }
    s.text.append(data, static_cast<std::size_t>(length));
  }

  static void on_entity_decl(void* self, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                             const XML_Char*, const XML_Char*, const XML_Char*) {
    auto& s = *static_cast<State*>(self);
    s.fail("a DOCTYPE declaring entities is refused");
    XML_StopParser(s.parser, XML_FALSE);
  }

  // One piece of XML to expat, within the size cap.
  void parse(std::string_view xml, bool last) {
    if (finished) return;
    const bool over = xml.size() > sitemap_max_bytes - xml_bytes;
    if (over) {
      xml = xml.substr(0, sitemap_max_bytes - xml_bytes);
      last = false;
    }
    xml_bytes += xml.size();
    if (XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
      if (!finished) fail(std::string("not XML: ") + XML_ErrorString(XML_GetErrorCode(parser)) + " at line " +
                          std::to_string(XML_GetCurrentLineNumber(parser)));
      finished = true;
      return;
    }
    if (over) {
      truncate();  // the locations read so far stand; the document is not finished, not broken
      return;
    }
    if (last) {
      finished = true;
      return;
    }
    // After a parse, the event position is where the token still unfinished starts.
    const XML_Index at = XML_GetCurrentByteIndex(parser);
    if (at >= 0 && xml_bytes - static_cast<std::size_t>(at) > sitemap_max_token)
      fail("a piece of markup longer than " + std::to_string(sitemap_max_token / 1024) + " KiB");
  }

  void inflate_some(std::string_view bytes) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    std::array<char, inflate_chunk> chunk;
    while (!finished) {
      zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
      zs.avail_out = static_cast<uInt>(chunk.size());
      const int rc = inflate(&zs, Z_NO_FLUSH);
      const std::size_t produced = chunk.size() - zs.avail_out;
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == 0)) {
        fail(std::string("broken gzip stream: ") + (zs.msg ? zs.msg : "inflate failed"));
        return;
      }
      if (zs.total_out > ratio_check_after && zs.total_out / sitemap_max_gzip_ratio > zs.total_in) {
        fail("a gzip bomb: more than " + std::to_string(sitemap_max_gzip_ratio) + " bytes out for each byte in");
        return;
      }
      parse({chunk.data(), produced}, rc == Z_STREAM_END);
      // Bytes after the gzip member (a second member, trailing junk) are not read.
      if (rc == Z_STREAM_END || (produced == 0 && zs.avail_in == 0)) return;
    }
  }

  void feed(std::string_view bytes) {
    if (finished) return;
    if (!gzip_known) {
      if (held.size() + bytes.size() < 2) {
        held.append(bytes);
        return;
      }
      gzip_known = true;
      const std::string first = std::move(held);  // a one-byte first chunk, which goes ahead
      gzip = first + std::string(bytes.substr(0, 2 - first.size())) == "\x1f\x8b";
      if (gzip && inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        gzip = false;
        fail("zlib could not start");
        return;
      }
      if (!first.empty()) gzip ? inflate_some(first) : parse(first, false);
    }
    gzip ? inflate_some(bytes) : parse(bytes, false);
  }

  Sitemap finish() {
    if (!gzip_known) parse(held, true);
    if (!finished && gzip) fail("broken gzip stream: it ends early");
    if (!finished) parse({}, true);
    return std::move(out);
  }
};

SitemapReader::SitemapReader() : m(std::make_unique<State>()) {}
SitemapReader::~SitemapReader() = default;

void SitemapReader::feed(std::string_view bytes) { m->feed(bytes); }
bool SitemapReader::done() const { return m->finished; }
Sitemap SitemapReader::finish() { return m->finish(); }

Sitemap read_sitemap(std::string_view body) {
  SitemapReader reader;
  reader.feed(body);
  return reader.finish();
}

std::vector<std::string> robots_sitemaps(std::string_view robots_txt) {
  std::vector<std::string> out;
  RobotsLines lines(robots_txt);
  while (const auto line = lines.next())
    if (ascii_iequals(line->key, "sitemap") && is_http_url(line->value)) out.emplace_back(line->value);
  return out;
}

}  // namespace volley
