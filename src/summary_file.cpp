#include "summary_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A file of our own beside `path`: ".NAME.PID-N.tmp", created exclusively, so neither another
// volley nor a stale file from a crashed run is ever written through.
int create_temp_beside(const std::string& path, std::string& temp) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (int n = 0; n < 100; ++n) {
    temp = dir + "." + name + "." + std::to_string(::getpid()) + "-" + std::to_string(n) + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string check_summary_path(const std::string& path) {
  struct stat st {};
  if (path.empty() || path.back() == '/' || (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
    return path + " is a directory";
  std::string temp;
  const int fd = create_temp_beside(path, temp);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  ::unlink(temp.c_str());
  return {};
}

std::string write_file_atomically(const std::string& path, const std::string& text) {
  std::string temp;
  const int fd = create_temp_beside(path, temp);
  if (fd < 0) return std::strerror(errno);
  // Synced before the rename, so a crash cannot leave an empty FILE in place of the old one.
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
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
