#include "util/directories.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace volley {

std::string make_directories(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string part = dir.substr(0, slash);
    // One that exists as something else than a directory fails here, or at the next component.
    if (!part.empty() && part.back() != '/' && ::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      return part + ": " + std::strerror(errno);
    if (slash == std::string::npos) return {};
  }
}

std::string make_parent_directories(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return {};
  return make_directories(path.substr(0, slash));
}

}  // namespace volley
