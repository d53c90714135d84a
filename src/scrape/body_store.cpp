#include "scrape/body_store.hpp"

#include "util/atomic_file.hpp"
#include "util/directories.hpp"

#include <stdexcept>
#include <sys/stat.h>

namespace volley {

BodyStore::BodyStore(std::string dir) : m_dir(std::move(dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
  if (std::string why = make_directories(m_dir); !why.empty()) throw std::runtime_error("cannot create --save directory " + why);
  struct stat st {};
  if (::stat(m_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("--save " + m_dir + " is not a directory");
  if (std::string why = can_create_beside(m_dir + "/probe"); !why.empty())
    throw std::runtime_error("cannot write in --save directory " + m_dir + ": " + why);
}

std::string BodyStore::save(std::uint64_t seq, std::string_view body, std::string& error) const {
  std::string path = m_dir + "/" + std::to_string(seq) + ".body";
  // The body appears under its name whole or not at all, and a body cut short (a full disk) is
  // removed. Not synced: a crash costs the bodies of that moment, which their lines never reported.
  if (std::string why = replace_file(path, body, false); !why.empty()) {
    error = "cannot save " + path + ": " + why;
    return {};
  }
  return path;
}

}  // namespace volley
