#include "body_store.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

BodyStore::BodyStore(std::string dir) : m_dir(std::move(dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
  if (::mkdir(m_dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create --save directory " + m_dir + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(m_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("--save " + m_dir + " is not a directory");
}

std::string BodyStore::save(std::uint64_t seq, std::string_view body, std::string& error) const {
  std::string path = m_dir + "/" + std::to_string(seq) + ".body";
  // O_NOFOLLOW: a symlink planted under DIR must not redirect the write.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
    return {};
  }
  std::size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "cannot save " + path + ": " + std::strerror(n < 0 ? errno : ENOSPC);
      ::close(fd);
      return {};
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
    return {};
  }
  return path;
}
