#pragma once

#include "app/options.hpp"
#include "core/transport.hpp"
#include "net/easy_setup.hpp"
#include "net/sha256.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <vector>

namespace volley {

/// The one owner of the CURLM handle and every easy handle: an epoll loop driving
/// curl_multi_socket_action (as curl's docs/examples/ephiperfifo.c), so the cost of a turn follows
/// the sockets with events, not the number of connections open. Easy handles are pooled, set up
/// once, and given only a new URL per transfer.
class Reactor final : public Transport {
 public:
  /// `keep_body`: hold each body for the body work (extraction, saving) instead of counting and dropping it.
  /// With --hash or --state each body is hashed as it arrives; with --state the response's
  /// validators are kept and a job's extra_headers sent.
  Reactor(const Options& options, bool keep_body);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  std::size_t in_flight() const override { return m_in_flight; }
  /// The concurrency actually in force (lowered when the open-file limit cannot fit -c).
  std::size_t limit() const override { return m_limit; }
  void start(Job job) override;
  /// Waits for socket events, libcurl's timer or a watched fd, then lets libcurl work.
  TimePoint poll(std::optional<Duration> timeout, std::vector<Completion>& done) override;
  bool watch(int fd, bool on) override;
  void abort_all(std::vector<Completion>& done) override;
  std::string failure() const override { return m_failure; }

 private:
  struct Slot;
  static int on_socket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* userp);
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* userp);
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* userp);
  void apply_job(Slot& slot);
  bool drop_if_idle(int fd);
  bool check(CURLMcode rc, const char* where);
  void fail_unwatched(std::vector<Completion>& done);

  Slot& acquire();
  void configure(Slot& slot);
  void drain(std::vector<Completion>& done);
  void complete_transfer(Slot& slot, CURLcode code, std::vector<Completion>& done, bool interrupted);

  // What every slot starts a transfer with, from the flags.
  struct SlotDefaults {
    std::uint64_t max_body;
    bool keep_body;        // held for the body work (extraction, saving), not counted and dropped
    bool keep_headers;     // --headers: all of the final response's
    bool keep_validators;  // --state: the response's ETag and Last-Modified
    bool hash_body;        // --hash, --state: the body's sha256 as it arrives
  };

  // Declared first, so destroyed last: every easy handle that uses its share is cleaned up before.
  EasySetup m_setup;
  SlotDefaults m_defaults;
  CURLM* m_multi = nullptr;
  int m_epoll = -1;
  std::size_t m_limit;
  std::size_t m_in_flight = 0;
  std::optional<TimePoint> m_timer;
  TimePoint m_woke = Clock::now();  // when the last wait ended: libcurl's timer is set relative to it
  std::vector<std::unique_ptr<Slot>> m_slots;
  std::vector<Slot*> m_free;
  std::vector<int> m_watched;
  // Per socket number: the epoll events registered, idle_flag once libcurl stopped watching it.
  static constexpr std::uint32_t unregistered = 0xFFFFFFFFu;
  static constexpr std::uint32_t idle_flag = 1u << 31;
  std::vector<std::uint32_t> m_registered;
  std::vector<std::pair<CURL*, std::string>> m_unwatched;  // transfers whose socket epoll refused
  std::string m_failure;                                   // Transport::failure()
};

}  // namespace volley
