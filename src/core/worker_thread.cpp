#include "core/worker_thread.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <sys/eventfd.h>
#include <unistd.h>

namespace volley {

WorkerThread::WorkerThread() {
  m_loop_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m_loop_fd < 0) throw std::runtime_error(std::string("cannot create an eventfd: ") + std::strerror(errno));
}

WorkerThread::~WorkerThread() {
  stop();
  ::close(m_loop_fd);
}

// A new thread inherits the mask in force when it is created; the caller's own is put back. A
// thread that cannot be created throws std::system_error, after which the destructor joins those
// that were.
void WorkerThread::start(std::function<void()> body, unsigned threads) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  try {
    for (unsigned i = 0; i < std::max(threads, 1u); ++i) m_threads.emplace_back(body);
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void WorkerThread::wake_loop() {
  const std::uint64_t one = 1;
  while (::write(m_loop_fd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void WorkerThread::clear_loop() {
  std::uint64_t count;
  while (::read(m_loop_fd, &count, sizeof count) < 0 && errno == EINTR) {
  }
}

void WorkerThread::request_stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
}

void WorkerThread::stop() {
  request_stop();
  for (std::thread& t : m_threads)
    if (t.joinable()) t.join();
}

}  // namespace volley
