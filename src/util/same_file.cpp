#include "util/same_file.hpp"

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace volley {

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

namespace {

// Two names of one file, or of one file to be: the summary replaces its path when the run ends.
bool same_target(const std::string& summary, const std::string& other, int fd_when_standard) {
  const auto a = regular_file(summary, -1);
  const auto b = regular_file(other, fd_when_standard);
  if (a && b) return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
  if (fd_when_standard >= 0) return false;
  std::error_code ec_a, ec_b;
  const auto pa = std::filesystem::weakly_canonical(summary, ec_a);
  const auto pb = std::filesystem::weakly_canonical(other, ec_b);
  return !ec_a && !ec_b && pa == pb;
}

}  // namespace

std::optional<std::string> same_as_output_or_input(const std::string& path, const std::string& output,
                                                   const std::vector<std::string>& inputs) {
  if (path.empty()) return std::nullopt;
  if (same_target(path, output, output.empty() ? STDOUT_FILENO : -1))
    return "output " + (output.empty() ? std::string("(stdout)") : output);
  for (const auto& in : inputs)
    if (same_target(path, in, in == "-" ? STDIN_FILENO : -1)) return "input " + (in == "-" ? std::string("(stdin)") : in);
  return std::nullopt;
}

}  // namespace volley
