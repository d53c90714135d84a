#pragma once

#include "crawl/crawl_store.hpp"
#include "state/state_store.hpp"
#include "state/state_writer.hpp"

namespace volley {

/// The crawl's tables of the state file (docs/crawl-state.md) behind the Crawler's CrawlStore:
/// pages and outlinks go to the writer thread, in the batches the fetches' rows go in; reads are
/// the store's, on the engine's thread, and see what is committed.
class CrawlState : public CrawlStore {
 public:
  CrawlState(StateStore& store, StateWriter& writer) : m_store(store), m_writer(writer) {}

  void admitted(const StoredPage& page) override { m_writer.put_page(page); }
  void expanded(std::uint64_t seq, const std::string& url, const std::vector<std::string>* links) override;
  std::optional<std::vector<std::string>> outlinks(const std::string& url) override { return m_store.outlinks(url); }
  std::vector<StoredPage> pages_after(std::uint64_t after, std::size_t limit) override {
    return m_store.pages_after(after, limit);
  }
  std::uint64_t committed_seq() override { return m_writer.committed_seq(); }
  void flush() override { m_writer.flush(); }
  std::optional<StoredPage> page_of(std::uint64_t fingerprint) override { return m_store.page_of(fingerprint); }
  void for_each_page_key(const std::function<void(std::uint64_t, std::uint64_t)>& f) override {
    m_store.for_each_page_key(f);
  }

 private:
  StateStore& m_store;
  StateWriter& m_writer;
};

}  // namespace volley
