#pragma once

#include "core/job.hpp"
#include "core/record.hpp"
#include "robots/robots.hpp"

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace volley {

/// --robots, between the input and the scheduler: no URL is queued before its origin's robots.txt
/// allows it. Each origin (scheme, host and port) goes unknown → fetching (its URLs wait here,
/// holding no slot) → rules, kept for the run. Pure: the engine schedules the fetch job admit()
/// hands out, like any URL, and brings back what it gave to resolve().
///
/// The rules kept are bounded by a byte budget: past it the origins decided and least recently
/// used are forgotten (none has URLs waiting), and a later URL of one fetches its robots.txt again.
class RobotsGate {
 public:
  /// 64 MiB: the rules of a few thousand typical sites, or of 32 sites at robots.txt's worst.
  static constexpr std::size_t default_rule_budget = std::size_t{64} << 20;

  /// `product_token`: robots_product_token() of the User-Agent.
  explicit RobotsGate(std::string product_token, std::size_t rule_budget = default_rule_budget)
      : m_token(std::move(product_token)), m_rule_budget(rule_budget) {}

  struct Admission {
    enum class Kind { go, held, disallowed };
    Kind kind = Kind::go;
    std::optional<Job> fetch;  // held, the first URL of its origin: the robots.txt job to schedule
    std::string message;       // disallowed: why
  };
  /// What becomes of `job`, just read: go (the caller queues it), held (moved in here until its
  /// origin's verdict) or disallowed (the caller ends it with robots_disallowed). URLs that are not
  /// http(s) go: they fail on their own.
  Admission admit(Job& job);

  /// What fetching a robots.txt gave. Also what a store of earlier runs' fetches would give back
  /// (issue 9: --state keeps them for 24 hours): resolve() does not care where it comes from.
  struct Outcome {
    std::optional<long> status;  // the final status; none when no complete response came
    std::string_view body;
    std::string failure;  // no status: the error, as "kind: message"
  };
  /// A fetch job's record read as an Outcome. An error with a status still counts as that status
  /// when the status alone says what to do: the body cut at robots_parse_limit, a redirect chain
  /// too long or to a scheme not fetched. Any other error is no response (RFC 9309 2.3.1.4:
  /// unreachable), even after some of the body came: half a file must not allow what it forbids.
  static Outcome outcome_of(const Record& r);

  struct Verdict {
    std::vector<Job> allowed;     // to queue now
    std::vector<Job> disallowed;  // to end with robots_disallowed and `message`
    std::string message;
    std::optional<double> crawl_delay;  // the group's, for the host's pacing
  };
  /// Decides the origin of `robots_url` (a fetch job's url) for the rest of the run and releases
  /// the URLs that waited for it.
  Verdict resolve(const std::string& robots_url, const Outcome& outcome);

  /// The URLs waiting on a fetch job that will never complete (its host given up); the origin's
  /// later URLs are disallowed with `why`.
  std::vector<Job> abandon(const std::string& robots_url, const std::string& why);

  /// Every URL waiting (for an interrupted run).
  std::vector<Job> take_all();

  /// URLs waiting for a verdict: they count against the read-ahead window.
  std::size_t held() const { return m_held; }

  /// What the decided origins' rules hold, as counted against the budget.
  std::size_t rule_bytes() const { return m_rule_bytes; }

 private:
  struct Waiting {
    Job job;
    std::string path_and_query;
  };
  struct Origin {
    std::vector<Waiting> waiting;
    bool decided = false;
    RobotsRules rules;
    std::string denial;  // decided and not empty: every URL of the origin is disallowed, for this reason
    std::size_t bytes = 0;  // decided: counted in m_rule_bytes
    std::list<std::string>::iterator recent;  // decided: its place in m_recent
  };
  using Origins = std::unordered_map<std::string, Origin>;
  // Counts a newly decided origin against the budget, then forgets others past it.
  void decided(Origins::iterator it);
  // Whether a decided origin lets `path_and_query` through; if not, `why` says so.
  static bool lets_through(const Origin& o, const std::string& robots_url, std::string_view path_and_query,
                           std::string& why);

  std::string m_token;
  Origins m_origins;  // by robots.txt URL
  std::list<std::string> m_recent;  // decided origins' robots.txt URLs, most recently used first
  std::size_t m_rule_budget;
  std::size_t m_rule_bytes = 0;
  std::size_t m_held = 0;
};

/// The message of a URL ended by robots.txt: a hop's names the hop, the URL itself being allowed.
std::string robots_denial(const Job& job, const std::string& why);

}  // namespace volley
