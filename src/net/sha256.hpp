#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace volley {

/// SHA-256 fed piece by piece, as a body arrives in libcurl's write callback: the hash of a
/// body needs no copy of it (OpenSSL's EVP, which uses the CPU's SHA extensions where there are).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  /// Starts a new hash, forgetting what was fed.
  void reset();
  void update(std::string_view data);
  /// Lower-case hex of everything fed since reset(); empty if OpenSSL failed. Ends the hash:
  /// reset() before feeding again.
  std::string hex();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> m_ctx;
  bool m_ok = false;
};

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace volley
