#include "crawl/sitemap_seeder.hpp"

#include "crawl/canonical_url.hpp"
#include "crawl/sitemap.hpp"
#include "input/url_check.hpp"
#include "robots/robots.hpp"
#include "robots/robots_target.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace volley {

namespace {

// A sitemap or robots.txt that answered: 2xx, and a body cut at its cap still counts (the reader
// keeps what came before the cap).
bool usable(const Record& r) {
  if (!r.status || *r.status < 200 || *r.status > 299) return false;
  return r.error == ErrorKind::none || r.error == ErrorKind::body_too_large;
}

}  // namespace

void SitemapSeeder::seed(const Job& job, const std::string& scope_root, std::int32_t priority) {
  const std::optional<RobotsTarget> target = robots_target(job.target);
  if (!target) return;
  auto [it, first] = m_origins.try_emplace(target->robots_url);
  if (!first) return;
  Origin& o = it->second;
  o.scope_root = scope_root;
  o.priority = priority;
  o.robots_pending = true;
  if (m_robots_from_gate) return;
  ParsedLine parsed = parse_input_line(target->robots_url);
  Job& fetch = m_fetches.emplace_back();
  fetch.url = target->robots_url;
  fetch.target = std::move(parsed.target);
  fetch.host_key = std::move(parsed.host_key);
  fetch.priority = priority;
  fetch.sitemap = SitemapFetch::robots_txt;
}

void SitemapSeeder::want(const std::string& origin_key, Origin& o, const std::string& url, SitemapFetch kind) {
  if (o.sitemaps >= sitemap_max_per_origin) {
    spdlog::debug("sitemap {} not read: {} already has {} sitemaps", url, origin_key, sitemap_max_per_origin);
    return;
  }
  ParsedLine parsed = parse_input_line(url);
  if (parsed.kind != ParsedLine::Kind::url) return;
  if (!m_owner.try_emplace(parsed.url, origin_key).second) return;  // each sitemap read once
  ++o.sitemaps;
  Job& fetch = m_fetches.emplace_back();
  fetch.url = std::move(parsed.url);
  fetch.target = std::move(parsed.target);
  fetch.host_key = std::move(parsed.host_key);
  fetch.priority = o.priority;
  fetch.sitemap = kind;
}

void SitemapSeeder::robots_txt(const std::string& robots_url, std::optional<long> status, std::string_view body) {
  const auto it = m_origins.find(robots_url);
  if (it == m_origins.end() || !it->second.robots_pending) return;
  Origin& o = it->second;
  o.robots_pending = false;
  std::vector<std::string> named;
  if (status && *status >= 200 && *status <= 299) named = robots_sitemaps(body);
  if (named.empty()) {
    // robots_url ends in "/robots.txt": the fallback sits beside it. robots_url writes the
    // default port out; the fallback, a page's `parent`, is written as a link would be.
    const std::string fallback = robots_url.substr(0, robots_url.size() - 10) + "sitemap.xml";
    want(it->first, o, canonical_url(fallback).value_or(fallback), SitemapFetch::top);
    return;
  }
  for (const std::string& url : named) want(it->first, o, url, SitemapFetch::top);
}

void SitemapSeeder::dropped(const Job& job) {
  if (job.sitemap != SitemapFetch::robots_txt && m_out > 0) --m_out;
}

void SitemapSeeder::fetched(const Job& job, const Record& r, std::vector<Found>& found) {
  if (job.sitemap == SitemapFetch::robots_txt)
    return robots_txt(job.url, usable(r) ? r.status : std::nullopt, r.body);
  dropped(job);
  const auto owner = m_owner.find(job.url);
  if (owner == m_owner.end()) return;
  const auto origin = m_origins.find(owner->second);
  if (origin == m_origins.end()) return;
  if (!usable(r)) {
    spdlog::debug("sitemap {} not read: {}", job.url, r.status ? "status " + std::to_string(*r.status) : r.message);
    return;
  }
  const Sitemap s = job.sitemap_reader ? job.sitemap_reader->finish() : read_sitemap(r.body);
  if (!s.error.empty()) spdlog::warn("sitemap {}: {}", job.url, s.error);
  if (s.truncated) spdlog::warn("sitemap {}: past sitemaps.org's limits, the rest ignored", job.url);
  if (s.index) {
    if (job.sitemap == SitemapFetch::nested) {
      spdlog::warn("sitemap {}: an index inside an index is not read (sitemaps.org allows one level)", job.url);
      return;
    }
    for (const std::string& url : s.locations) want(origin->first, origin->second, url, SitemapFetch::nested);
    return;
  }
  for (const std::string& url : s.locations)
    found.push_back(Found{url, job.url, origin->second.scope_root, origin->second.priority});
}

// robots.txt files (500 KiB at most) go out whenever asked for; sitemaps wait their turn.
std::optional<Job> SitemapSeeder::next_fetch() {
  const auto it = std::find_if(m_fetches.begin(), m_fetches.end(), [this](const Job& j) {
    return j.sitemap == SitemapFetch::robots_txt || m_out < sitemap_fetches_at_once;
  });
  if (it == m_fetches.end()) return std::nullopt;
  Job job = std::move(*it);
  m_fetches.erase(it);
  if (job.sitemap != SitemapFetch::robots_txt) ++m_out;
  return job;
}

}  // namespace volley
