#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace volley {

/// `--shard K/N`: this run fetches only the hosts that hash to shard K of N (1-based), so a list
/// split over N machines puts every host on exactly one of them and per-host politeness holds
/// across the fleet. The hash is part of the interface (docs/cron.md): other tools reproduce it.
struct Shard {
  std::uint32_t index = 1;  // K
  std::uint32_t count = 1;  // N
};

/// Keeps a typo such as 1/10000000000 from looking like a working split.
inline constexpr std::uint32_t max_shard_count = 1000000;

/// "K/N" in decimal digits with 1 <= K <= N <= max_shard_count; nullopt for anything else.
std::optional<Shard> parse_shard(std::string_view text);

/// FNV-1a, 64 bits, over the bytes as given: the same on every machine, compiler and byte order.
std::uint64_t fnv1a64(std::string_view bytes);

/// The 1-based shard of a host name: fnv1a64(ASCII-lower-cased host) % count + 1. The host is what
/// libcurl's URL parser returns for it, without the port (IPv6 literals keep their brackets).
std::uint32_t shard_of_host(std::string_view host, std::uint32_t count);

/// The 1-based shard of a URL's host_key, "host:port": the port is not hashed.
std::uint32_t shard_of_host_key(std::string_view host_key, std::uint32_t count);

/// Whether this shard writes the line of an input URL whose host_key is "host:port"
/// (url_check.hpp). A refused line (`refused`: invalid_url and the like) has no host: shard 1
/// alone reports it, so every line read gets exactly one output line across the fleet.
bool shard_takes(const Shard& shard, bool refused, std::string_view host_key);

}  // namespace volley
