#pragma once

#include "scrape/html.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volley {

/// Links as extract() uses them: in document order, each once, nofollow when every link to it
/// is. gumbo's tree repeats an <a> that the adoption agency clones ("<a href=x><p>a<p>b"), and
/// extract() drops the repeats. Without flags in the scan, every link is followed.
inline std::vector<std::pair<std::string, bool>> first_of_each(const HtmlScan& scan) {
  std::vector<std::pair<std::string, bool>> out;
  for (std::size_t i = 0; i < scan.refs.size(); ++i) {
    const bool nofollow = i < scan.ref_nofollow.size() && scan.ref_nofollow[i];
    auto seen = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == scan.refs[i]; });
    if (seen == out.end()) out.emplace_back(scan.refs[i], nofollow);
    else seen->second = seen->second && nofollow;
  }
  return out;
}

inline bool contains_ignoring_case(std::string_view html, std::string_view needle) {
  for (std::size_t at = 0; at + needle.size() <= html.size(); ++at)
    if (ascii_iequals(html.substr(at, needle.size()), needle)) return true;
  return false;
}

/// Whether an <a> start tag comes while an earlier one is still open (no "</a" between them, by
/// the text alone): then gumbo's adoption agency closes the old one, and can move elements.
inline bool has_unclosed_a(std::string_view html) {
  bool open = false;
  for (std::size_t at = 0; at + 2 < html.size(); ++at) {
    if (html[at] != '<') continue;
    const bool end = html[at + 1] == '/';
    const std::size_t name = at + (end ? 2 : 1);
    if (name + 1 >= html.size() || ascii_lower(html[name]) != 'a') continue;
    const char next = html[name + 1];
    if (!(next == '>' || next == '/' || is_html_space(next))) continue;
    if (!end && open) return true;
    open = !end;
  }
  return false;
}

/// Whether the scanner's answer `got` for `html` is gumbo's `want`. In a <table>, gumbo moves
/// misplaced content ahead of the table (foster parenting), and its adoption agency moves
/// elements when an <a> opens inside another; the scanner keeps source order. There the links
/// must be the same but their order may differ.
/// Moving elements can also put a later <title> or <base> first: then only whether there is one
/// must agree. The robots nofollow and each link's rel nofollow must agree too.
inline bool same_scan(std::string_view html, const HtmlScan& got, const HtmlScan& want) {
  const bool moved = contains_ignoring_case(html, "<table") || has_unclosed_a(html);
  if (moved ? got.title.has_value() != want.title.has_value() || got.base_href.has_value() != want.base_href.has_value()
            : got.title != want.title || got.base_href != want.base_href)
    return false;
  const auto flags_fit = [](const HtmlScan& s) { return s.ref_nofollow.empty() || s.ref_nofollow.size() == s.refs.size(); };
  if (got.nofollow != want.nofollow || !flags_fit(got) || !flags_fit(want)) return false;
  auto a = first_of_each(got);
  auto b = first_of_each(want);
  if (moved) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
  }
  return a == b;
}

/// The inputs on which the tokenizer is allowed to differ from gumbo, by name: effects of tree
/// construction the scanner does not model (docs/behaviour.md, "Link extraction").
/// Returns the name of the exception that applies, or nullptr.
inline const char* oracle_exception(std::string_view html) {
  const auto contains = [&](std::string_view needle) { return contains_ignoring_case(html, needle); };
  // A <frameset> early in the body replaces the body, and gumbo drops what the body held.
  if (contains("<frameset")) return "frameset";
  // A <select> opened at an integration point inside <svg>/<math> (found by html_fuzz:
  // "<math><select><mi><select><select><title>"): not modelled yet.
  if (contains("<select") && (contains("<svg") || contains("<math"))) return "select in foreign content";
  // gumbo reopens formatting elements (<a>, <b>, ...) closed too early (a copy of an <a href>
  // that sat in a <template> can land outside it), and the adoption agency moves elements
  // about; the scanner keeps no list of formatting elements, so where these meet <svg>, <math>
  // or <template> it can misjudge where their content ends.
  if (contains("<svg") || contains("<math") || contains("<template")) {
    for (std::string_view tag : {"<a", "<b", "<big", "<code", "<em", "<font", "<i", "<nobr", "<s", "<small",
                                 "<strike", "<strong", "<tt", "<u"}) {
      for (std::size_t at = 0; at + tag.size() < html.size(); ++at) {
        if (!ascii_iequals(html.substr(at, tag.size()), tag)) continue;
        const char next = html[at + tag.size()];
        if (next == '>' || next == '/' || is_html_space(next)) return "formatting elements around foreign content or templates";
      }
    }
  }
  return nullptr;
}

}  // namespace volley
