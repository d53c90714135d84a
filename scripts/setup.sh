#!/usr/bin/env bash
# Installs volley's build dependencies from Debian's packages (only those missing)
# and builds a Release binary at build/volley.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libcli11-dev nlohmann-json3-dev libspdlog-dev catch2
  openssl python3
  libgumbo-dev libre2-dev libssl-dev libhiredis-dev
  libsqlite3-dev sqlite3
  libpsl-dev publicsuffix libexpat1-dev zlib1g-dev  # --crawl: --scope domain, --sitemap
  redis-server  # tests/integration/test_fleet.py starts its own
)
# Callers add what only they need (scripts/test.sh: nginx for the HTTP/2 test).
read -ra extra <<<"${VOLLEY_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}" >&2
  # A fresh machine's package lists can be empty or stale.
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "${VOLLEY_SETUP_NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j2
fi
