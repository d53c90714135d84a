#include "net/sha256.hpp"

#include <openssl/evp.h>

namespace volley {

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free) { reset(); }
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::reset() { m_ok = m_ctx && EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr) == 1; }

void Sha256::update(std::string_view data) {
  if (m_ok) m_ok = EVP_DigestUpdate(m_ctx.get(), data.data(), data.size()) == 1;
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!m_ok || EVP_DigestFinal_ex(m_ctx.get(), md, &len) != 1) return {};
  m_ok = false;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 0xF];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

}  // namespace volley
