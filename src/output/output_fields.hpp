#pragma once

#include <array>
#include <string_view>

namespace volley {

/// The optional fields a line carries, each asked for by its flag.
struct OutputFields {
  bool title = false;
  bool links = false;
  bool extract = false;
  bool hash = false;
  bool headers = false;
  bool saved = false;
  bool state = false;  // changed, last_fetched, cached
  bool crawl = false;  // depth, parent
};

/// Every field an output line can hold.
enum class Field {
  url, seq, status, final_url, redirects, http_version, remote_ip, content_type, size, time, attempts,
  elapsed, fetched_at, error, title, links, extract, sha256, headers, saved,
  changed, last_fetched, cached, depth, parent, meta, id,
};

/// When a field is on a line: always, or when its flag asked for it; and what a record without a
/// value for it writes: null, or (meta, id, which only some inputs give) nothing at all.
struct FieldSpec {
  Field field;
  std::string_view name;
  bool OutputFields::*asked;  // nullptr: not chosen by a flag
  std::string_view added_by;  // what docs/output.md names in its "flag" column; empty: every line
  bool omitted_when_absent = false;
};

/// The output schema: the fields in the order jsonl_writer writes them. docs/output.md lists the
/// same fields in the same order, and a unit test holds the two together.
inline constexpr std::array<FieldSpec, 27> output_fields{{
    {Field::url, "url", nullptr, ""},
    {Field::seq, "seq", nullptr, ""},
    {Field::status, "status", nullptr, ""},
    {Field::final_url, "final_url", nullptr, ""},
    {Field::redirects, "redirects", nullptr, ""},
    {Field::http_version, "http_version", nullptr, ""},
    {Field::remote_ip, "remote_ip", nullptr, ""},
    {Field::content_type, "content_type", nullptr, ""},
    {Field::size, "size", nullptr, ""},
    {Field::time, "time", nullptr, ""},
    {Field::attempts, "attempts", nullptr, ""},
    {Field::elapsed, "elapsed", nullptr, ""},
    {Field::fetched_at, "fetched_at", nullptr, ""},
    {Field::error, "error", nullptr, ""},
    {Field::title, "title", &OutputFields::title, "--title"},
    {Field::links, "links", &OutputFields::links, "--links"},
    {Field::extract, "extract", &OutputFields::extract, "--extract"},
    {Field::sha256, "sha256", &OutputFields::hash, "--hash"},
    {Field::headers, "headers", &OutputFields::headers, "--headers"},
    {Field::saved, "saved", &OutputFields::saved, "--save"},
    {Field::changed, "changed", &OutputFields::state, "--state"},
    {Field::last_fetched, "last_fetched", &OutputFields::state, "--state"},
    {Field::cached, "cached", &OutputFields::state, "--state"},
    {Field::depth, "depth", &OutputFields::crawl, "--crawl"},
    {Field::parent, "parent", &OutputFields::crawl, "--crawl"},
    {Field::meta, "meta", nullptr, "\"meta\"", true},
    {Field::id, "id", nullptr, "--queue", true},
}};

}  // namespace volley
