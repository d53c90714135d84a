#pragma once

#include <cstdint>
#include <string>

namespace volley {

/// Where one page of a crawl sits (docs/crawl.md): its line's `depth` and `parent`, and what the
/// links found on it inherit from the seed it descends from. Shared, read-only, by the page's job,
/// its record and the pages it links to.
struct CrawlPage {
  int depth = 0;           // 0 for a seed
  std::string parent;      // the URL of the page where it was first found; empty for a seed
  std::string scope_root;  // CrawlRules::scope_root of its seed
  std::int32_t base_priority = 0;  // its seed's "priority": a page's own is this less its depth
  bool from_sitemap = false;       // seeded from a sitemap rather than read or linked
  // --resume: its line is in the output but its links never reached the state file, so it is
  // fetched again for them only, and makes no second line (docs/crawl-state.md).
  bool links_only = false;
};

}  // namespace volley
