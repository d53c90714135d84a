#include "crawl/crawl_rules.hpp"

namespace volley {

std::string_view not_followed_name(NotFollowed why) {
  switch (why) {
    case NotFollowed::scheme: return "scheme";
    case NotFollowed::scope: return "scope";
    case NotFollowed::excluded: return "excluded";
    case NotFollowed::depth: return "depth";
    case NotFollowed::trap: return "trap";
    case NotFollowed::nofollow: return "nofollow";
    case NotFollowed::budget: return "budget";
    case NotFollowed::seen: return "seen";
  }
  return "unknown";
}

struct CrawlRules::Impl {
  std::string scope;
};

CrawlRules::CrawlRules(const Options& options) : m_impl(std::make_unique<Impl>()) { m_impl->scope = options.scope; }
CrawlRules::~CrawlRules() = default;
CrawlRules::CrawlRules(CrawlRules&&) noexcept = default;
CrawlRules& CrawlRules::operator=(CrawlRules&&) noexcept = default;

namespace {
std::string_view origin_of(std::string_view url) {
  const auto s = url.find("://");
  if (s == std::string_view::npos) return url;
  const auto e = url.find_first_of("/?#", s + 3);
  return url.substr(0, e);
}
}  // namespace

std::string CrawlRules::scope_root(std::string_view seed_url) const {
  if (m_impl->scope == "any") return {};
  return std::string(origin_of(seed_url));
}

std::optional<NotFollowed> CrawlRules::check(std::string_view url, std::string_view, std::string_view root) const {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return NotFollowed::scheme;
  if (!root.empty() && origin_of(url) != root) return NotFollowed::scope;
  return std::nullopt;
}

}  // namespace volley
