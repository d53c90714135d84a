#include "output/line_plan.hpp"

#include <stdexcept>

namespace volley {

// A line with an error has no status to filter on, even when a response had begun.
bool LinePlan::keeps(const Record& r) const {
  const std::optional<long> status = r.error == ErrorKind::none ? r.status : std::nullopt;
  const auto in = [&status](const StatusSet& set) { return status && set.contains(*status); };
  return !(match && !in(*match)) && !(filter && in(*filter));
}

LinePlan plan_lines(const Options& o) {
  LinePlan f;
  f.extract.title = f.fields.title = o.title;
  if (o.links == "all")
    f.extract.links = ExtractConfig::Links::all;
  else if (!o.links.empty() || o.crawl)
    f.extract.links = ExtractConfig::Links::anchors;  // a crawl follows what --links reports
  f.fields.links = !o.links.empty();
  f.fields.crawl = o.crawl;
  for (const auto& spec : o.extract)
    if (auto err = f.extract.add_pattern(spec)) throw std::runtime_error("--extract " + spec + ": " + *err);
  f.fields.extract = !o.extract.empty();
  f.fields.hash = o.hash;
  f.fields.headers = o.response_headers;
  if (!o.match_status.empty() && !(f.match = parse_status_list(o.match_status)))
    throw std::runtime_error("--match-status: not a list of statuses, classes and ranges (e.g. 200,3xx,500-599): " + o.match_status);
  if (!o.filter_status.empty() && !(f.filter = parse_status_list(o.filter_status)))
    throw std::runtime_error("--filter-status: not a list of statuses, classes and ranges (e.g. 200,3xx,500-599): " + o.filter_status);
  if (!o.save_dir.empty()) f.store.emplace(o.save_dir);
  f.fields.saved = f.store.has_value();
  f.fields.state = !o.state.empty();
  return f;
}

void process_body(const LinePlan& f, Record& r) {
  // A line the status filters drop leaves nothing behind: no file, no parsing; but a crawl goes
  // on through it (`--match-status 404` finds the dead links of a site by crawling its 200s).
  const bool kept = f.keeps(r);
  if (!kept && !(r.crawl && r.error == ErrorKind::none)) {
    r.body.clear();
    return;
  }
  if (r.error == ErrorKind::none && f.extract.wants_body()) {
    const auto view = [](const std::optional<std::string>& s) { return s ? std::string_view(*s) : std::string_view(); };
    r.extracted = extract(f.extract, r.body, view(r.content_type), view(r.final_url));
  }
  if (kept && r.error == ErrorKind::none && f.store) {
    std::string error;
    std::string path = f.store->save(r.seq, r.body, error);
    if (!path.empty()) {
      r.saved = std::move(path);
    } else {
      r.error = ErrorKind::save;
      r.message = std::move(error);
    }
  }
  r.body.clear();
}

}  // namespace volley
