#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volley {

/// Where --save puts bodies: DIR/<seq>.body. The name comes from the sequence number alone, so no
/// URL, header or redirect can steer a write outside DIR.
class BodyStore {
 public:
  /// Creates DIR and its missing parents (as `mkdir -p`) and checks that a file can be created in it;
  /// throws std::runtime_error when not.
  explicit BodyStore(std::string dir);

  /// Writes the body to a new temporary file in DIR, then renames it to DIR/<seq>.body: nothing
  /// already in DIR is ever opened for writing, and a body cut short (a full disk) is removed.
  /// Returns the path, or sets `error` and returns an empty string.
  std::string save(std::uint64_t seq, std::string_view body, std::string& error) const;

 private:
  std::string m_dir;
};

}  // namespace volley
