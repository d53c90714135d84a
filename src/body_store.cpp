#include "body_store.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// Creates a file of a new, unguessable name beside `final_path`: O_EXCL never opens what is
// already there (a FIFO would block, a hard link would be written through, a symlink followed).
// Returns the descriptor, or -1 with errno set.
int create_temp(const std::string& final_path, std::string& temp_path) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const auto slash = final_path.rfind('/');
  for (int attempt = 0; attempt < 16; ++attempt) {
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".%016llx.tmp", static_cast<unsigned long long>(rng()));
    // A dot first: a reader globbing DIR/*.body never sees a body still being written.
    temp_path = final_path.substr(0, slash + 1) + "." + final_path.substr(slash + 1) + suffix;
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
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

// As `mkdir -p`: each missing component of `dir` is created, mode 0755 (less the umask). One that
// exists is left as it is; one that is not a directory fails the next mkdir, or the check after.
void make_directories(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string part = dir.substr(0, slash);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create --save directory " + part + ": " + std::strerror(errno));
    if (slash == std::string::npos) return;
  }
}

}  // namespace

BodyStore::BodyStore(std::string dir) : m_dir(std::move(dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
  make_directories(m_dir);
  struct stat st {};
  if (::stat(m_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("--save " + m_dir + " is not a directory");
  // Creating a file is the only honest test: access() says yes to root on a read-only mount.
  std::string probe;
  const int fd = create_temp(m_dir + "/probe", probe);
  if (fd < 0) throw std::runtime_error("cannot write in --save directory " + m_dir + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

std::string BodyStore::save(std::uint64_t seq, std::string_view body, std::string& error) const {
  std::string path = m_dir + "/" + std::to_string(seq) + ".body";
  std::string temp;
  const int fd = create_temp(path, temp);
  if (fd < 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
    return {};
  }
  // The body appears under its name whole or not at all; rename() replaces whatever entry held the
  // name (FIFO, link, file) without opening it.
  const bool written = write_all(fd, body);
  const int write_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot save " + path + ": " + std::strerror(written ? errno : write_errno);
    ::unlink(temp.c_str());
    return {};
  }
  return path;
}
