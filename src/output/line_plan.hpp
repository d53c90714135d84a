#pragma once

#include "app/options.hpp"
#include "core/record.hpp"
#include "output/status_filter.hpp"
#include "scrape/body_store.hpp"
#include "scrape/extract.hpp"

#include <optional>

namespace volley {

/// What a URL's final record goes through besides its transfer: extraction and saving of the
/// body, the status filters, and the fields its line shows. Built once from the flags (the one
/// place that reads them), then only read (from two threads).
struct LinePlan {
  OutputFields fields;
  ExtractConfig extract;
  std::optional<BodyStore> store;
  std::optional<StatusSet> match;
  std::optional<StatusSet> filter;

  /// Whether a complete response's body needs work before its line is written.
  bool has_body_work() const { return extract.wants_body() || store.has_value(); }
  /// Whether the line is written (--match-status, --filter-status).
  bool keeps(const Record& r) const;
};

/// Throws std::runtime_error naming the flag whose value is wrong.
LinePlan plan_lines(const Options& options);

/// Extracts from and saves the body of a complete response whose line the status filters keep
/// (only what is written is saved), then empties it. The memory goes back
/// with the record to the thread that allocated it: freeing it elsewhere costs glibc a trim.
void process_body(const LinePlan& f, Record& r);

}  // namespace volley
