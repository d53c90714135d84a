#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <stdlib.h>

/// A fresh directory under /tmp for one test, removed with everything in it at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::string name = "/tmp/volley-test-XXXXXX";
    if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed");
    m_path = name;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return (m_path / name).string(); }

  /// Writes `text` to the file `name` in the directory, replacing it, and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = *this / name;
    std::ofstream out(path, std::ios::binary);
    if (!out.write(text.data(), static_cast<std::streamsize>(text.size())).flush())
      throw std::runtime_error("cannot write " + path);
    return path;
  }

  /// The names of the entries in the directory (not its subdirectories'), in no set order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(m_path)) out.push_back(e.path().filename().string());
    return out;
  }

 private:
  std::filesystem::path m_path;
};

/// The whole content of the file at `path`; empty when it cannot be read.
inline std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
