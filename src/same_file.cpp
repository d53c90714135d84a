#include "same_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace {

// A file is its device and inode, whatever name or link reaches it.
std::optional<struct stat> regular_file(const std::string& name, int fd_when_standard) {
  struct stat st {};
  const int rc = fd_when_standard >= 0 ? ::fstat(fd_when_standard, &st) : ::stat(name.c_str(), &st);
  if (rc != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return st;
}

}  // namespace

std::optional<std::string> input_same_as_output(const std::string& output, const std::vector<std::string>& inputs) {
  const auto out = regular_file(output, output.empty() ? STDOUT_FILENO : -1);
  if (!out) return std::nullopt;
  for (const auto& in : inputs) {
    const auto st = regular_file(in, in == "-" ? STDIN_FILENO : -1);
    if (st && st->st_dev == out->st_dev && st->st_ino == out->st_ino) return in;
  }
  return std::nullopt;
}
