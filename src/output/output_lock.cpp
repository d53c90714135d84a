#include "output/output_lock.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace volley {

namespace {

// flock() cannot say who holds a lock, but Linux lists every lock in /proc/locks with the pid
// that took it: "1: FLOCK  ADVISORY  WRITE 1234 08:02:131 0 EOF" (device as hex major:minor,
// then the inode). A waiter's line starts "1: ->" and is skipped. Elsewhere, or should the
// format differ, the pid is simply not known.
std::optional<long> flock_holder(const struct stat& st) {
  std::ifstream locks("/proc/locks");
  // Major and minor are printed with at least two hex digits ("%02x:%02x").
  char dev[64];
  std::snprintf(dev, sizeof dev, "%02x:%02x:%llu", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string number, type, mode, access, id;
    long pid = 0;
    if (!(fields >> number >> type >> mode >> access >> pid >> id)) continue;
    if (type == "FLOCK" && id == dev) return pid;
  }
  return std::nullopt;
}

}  // namespace

std::string lock_output(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return {};
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return {};
  if (errno != EWOULDBLOCK) return std::strerror(errno);
  const std::optional<long> pid = flock_holder(st);
  return pid ? "another volley (pid " + std::to_string(*pid) + ") is writing it" : "another volley is writing it";
}

}  // namespace volley
