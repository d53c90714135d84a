#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace volley {

int create_temp_beside(const std::string& path, std::string& temp) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (int attempt = 0; attempt < 16; ++attempt) {
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".%016llx.tmp", static_cast<unsigned long long>(rng()));
    temp = dir + "." + name + suffix;
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

std::string can_create_beside(const std::string& path) {
  std::string temp;
  const int fd = create_temp_beside(path, temp);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  ::unlink(temp.c_str());
  return {};
}

bool write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string replace_file(const std::string& path, std::string_view data, bool sync) {
  std::string temp;
  const int fd = create_temp_beside(path, temp);
  if (fd < 0) return std::strerror(errno);
  bool ok = write_all(fd, data) && (!sync || ::fsync(fd) == 0);
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && ::rename(temp.c_str(), path.c_str()) == 0) return {};
  if (ok) err = errno;
  ::unlink(temp.c_str());
  return std::strerror(err);
}

}  // namespace volley
