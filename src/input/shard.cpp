#include "input/shard.hpp"

#include "util/ascii.hpp"

#include <charconv>
#include <string>

namespace volley {

namespace {

std::optional<std::uint32_t> parse_count(std::string_view digits) {
  std::uint64_t v = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 1 || v > max_shard_count) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

}  // namespace

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto k = parse_count(text.substr(0, slash));
  const auto n = parse_count(text.substr(slash + 1));
  if (!k || !n || *k > *n) return std::nullopt;
  return Shard{*k, *n};
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::uint32_t shard_of_host(std::string_view host, std::uint32_t count) {
  std::string lower(host);
  for (char& c : lower) c = ascii_lower(c);
  return static_cast<std::uint32_t>(fnv1a64(lower) % count) + 1;
}

// The port is not hashed: politeness is per host, and one host may serve several ports.
std::uint32_t shard_of_host_key(std::string_view host_key, std::uint32_t count) {
  const auto colon = host_key.rfind(':');
  const std::string_view host = colon == std::string_view::npos ? host_key : host_key.substr(0, colon);
  return shard_of_host(host, count);
}

bool shard_takes(const Shard& shard, bool refused, std::string_view host_key) {
  if (refused) return shard.index == 1;
  if (shard.count <= 1) return true;
  return shard_of_host_key(host_key, shard.count) == shard.index;
}

}  // namespace volley
