#include "state/crawl_state.hpp"

namespace volley {

void CrawlState::expanded(std::uint64_t seq, const std::string& url, const std::vector<std::string>* links) {
  PageDone done{seq, url, std::nullopt};
  if (links) done.links = *links;
  m_writer.put_done(std::move(done));
}

}  // namespace volley
