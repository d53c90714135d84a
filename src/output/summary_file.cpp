#include "output/summary_file.hpp"

#include "util/atomic_file.hpp"

#include <sys/stat.h>

namespace volley {

std::string check_summary_path(const std::string& path) {
  struct stat st {};
  if (path.empty() || path.back() == '/' || (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
    return path + " is a directory";
  return can_create_beside(path);
}

std::string write_file_atomically(const std::string& path, const std::string& text) {
  return replace_file(path, text, true);
}

}  // namespace volley
