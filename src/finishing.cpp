#include "finishing.hpp"

#include <stdexcept>

// A line with an error has no status to filter on, even when a response had begun.
bool Finishing::keeps(const Record& r) const {
  const long status = r.error == ErrorKind::none ? r.status : 0;
  return !(match && !match->contains(status)) && !(filter && filter->contains(status));
}

Finishing prepare_finishing(const Options& o) {
  Finishing f;
  f.extract.title = o.title;
  if (o.links == "all")
    f.extract.links = ExtractConfig::Links::all;
  else if (!o.links.empty())
    f.extract.links = ExtractConfig::Links::anchors;
  for (const auto& spec : o.extract)
    if (auto err = f.extract.add_pattern(spec)) throw std::runtime_error("--extract " + spec + ": " + *err);
  f.extract.hash = o.hash;
  if (!o.match_status.empty() && !(f.match = parse_status_list(o.match_status)))
    throw std::runtime_error("--match-status: not a list of statuses, classes and ranges (e.g. 200,3xx,500-599): " + o.match_status);
  if (!o.filter_status.empty() && !(f.filter = parse_status_list(o.filter_status)))
    throw std::runtime_error("--filter-status: not a list of statuses, classes and ranges (e.g. 200,3xx,500-599): " + o.filter_status);
  if (!o.save_dir.empty()) f.store.emplace(o.save_dir);
  return f;
}

void finish_body(const Finishing& f, Record& r) {
  if (r.error == ErrorKind::none && f.extract.wants_body())
    r.extracted = extract(f.extract, r.body, r.content_type, r.final_url);
  if (r.error == ErrorKind::none && f.store) {
    std::string error;
    r.saved = f.store->save(r.seq, r.body, error);
    if (r.saved.empty()) {
      r.error = ErrorKind::save;
      r.message = std::move(error);
    }
  }
  r.body.clear();
}
