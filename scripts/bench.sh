#!/usr/bin/env bash
# Benchmarks volley against curl --parallel, wget2, xargs -P curl, aiohttp and Scrapy on
# a private nginx bound to 127.0.0.1-127.0.0.50 (loopback only; scenario 11 binds one
# more port on 0.0.0.0, see there). See --help.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/bench.sh [--quick] [--runs N] [--scenario N[,N...]] [--out FILE]

  --quick         small version of every scenario, 1 run each (under a minute)
  --runs N        runs per tool, alternated round-robin (default 3; 1 with --quick)
  --scenario N    run only scenario N (1-15; repeatable or comma-separated)
  --out FILE      also write the Markdown report, with a machine header, to FILE

Scenarios:
  1  20,000 URLs of a 100-byte file, one host, c=100 (+ xargs -P curl, wrk ceiling)
  2  the same spread over 50 hosts (127.0.0.1-127.0.0.50)
  3  5,000 URLs answered after 100 ms, c=500 (ideal wall 1 s)
  4  20,000 URLs answered after 100 ms, c=2,000 (ideal wall 1 s)
  5  volley alone: 1,000,000 URLs, c=100, and its peak RSS at 10,000 URLs
  6  HTTPS with a self-signed certificate, 5,000 URLs, c=100 (+ wrk ceiling)
  7  scraping cost: --title --links=all on 100 KB and 5 MB pages, against the plain fetch
  8  HTTPS, a new connection and full handshake per URL, verified against the system
     CA bundle with the test certificate appended: 5,000 URLs, c=50
  9  work queue (docs/fleet.md): 20,000 URLs from a private redis-server's stream,
     1, 2 and 4 workers (--queue --drain), against a plain -i run of the same list
  10 --state: scenario 1's workload on an empty store and again over the same URLs
     (every answer a 304), against volley without --state; and the peak RSS of
     --state at 1,000,000 URLs (full mode only)
  11 many hosts: 5,000, 20,000 and 100,000 URLs, each its own 127.x.y.z host, c=100,
     volley and curl --parallel: CPU per URL and peak RSS at each size (--quick: 1,000
     and 5,000; the largest size runs once per tool). nginx answers them on a port bound
     to 0.0.0.0 for the length of the run, as no narrower bind covers all of 127/8
  12 link extraction at network speed: a static site of 5,000 pages of ~50 KiB of
     nested markup, 10 links each; volley fetch only and --links --title over the
     list (c=50), against wget2 -r crawling the same site (--max-threads 50) and
     aiohttp + lxml over the same list
  13 priority: 100,000 request objects over 1,000 hosts (h1.localhost…h1000.localhost),
     c=200, with random priorities against the same objects without (--quick: 10,000
     over 100 hosts)
  14 crawl: a static site of 20,000 pages of ~1.3 KB, 10 in-site links each, crawled
     from its first page at c=50 by volley --crawl (with and without --state), wget2 -r
     (to a tmpfs) and Scrapy (bench/scrapy_crawl.py); each must find every page once
     (--quick: 500 pages)
  15 a 1,000,000-page crawl with --state on a site made up as it is asked for
     (bench/endless_site.py): peak RSS and the lines/s held, sampled every 10 s
     (--quick: 10,000 pages, sampled every 0.5 s)

Environment: VOLLEY=path of the binary (default build/volley, built with
scripts/setup.sh when missing); VOLLEY_BASELINE=path of another volley binary
(an earlier build) adds it as a tool to scenarios 1, 2, 7 and 12, so a change is
measured against what came before in the same run.
EOF
}

# Parsed numbers (bash's `times`, awk) need a "." decimal point.
export LC_ALL=C

log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }

invocation_dir=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0 RUNS="" OUT="" SCENARIOS=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --runs=*) RUNS=${1#*=} ;;
    --scenario) IFS=, read -ra s <<<"${2:?--scenario needs a number}"; SCENARIOS+=("${s[@]}"); shift ;;
    --scenario=*) IFS=, read -ra s <<<"${1#*=}"; SCENARIOS+=("${s[@]}") ;;
    --out) OUT=${2:?--out needs a file}; shift ;;
    --out=*) OUT=${1#*=} ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
HOSTS_SCENARIO=0
for s in "${SCENARIOS[@]}"; do
  [[ $s =~ ^([1-9]|1[0-5])$ ]] || die "unknown scenario '$s' (1-15)"
  [ "$s" != 11 ] || HOSTS_SCENARIO=1
done
if [ -z "$RUNS" ]; then
  if [ "$QUICK" = 1 ]; then RUNS=1; else RUNS=3; fi
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"
case $OUT in "" | /*) ;; *) OUT=$invocation_dir/$OUT ;; esac

if [ -n "${VOLLEY:-}" ]; then
  case $VOLLEY in /*) ;; */*) VOLLEY=$invocation_dir/$VOLLEY ;; esac
  volley_default=0
else
  VOLLEY=$ROOT/build/volley
  volley_default=1
fi

# --- sizes -------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
  N1=2000 N3=2000 N4=4000 N5=50000 N5_SMALL=10000 N6=2000 N_BASE=1000 N7=500 N7_BIG=10 N8=200 N9=2000
  N11=(1000 5000)
  N12=500
  N13=10000 H13=100
  N14=500 N15=10000 SAMPLE_SECS=0.5
  WRK_SECS=1 TOOL_TIMEOUT=60 CRAWL_TIMEOUT=120
else
  N1=20000 N3=5000 N4=20000 N5=1000000 N5_SMALL=10000 N6=5000 N_BASE=2000 N7=5000 N7_BIG=100 N8=5000 N9=20000
  N11=(5000 20000 100000)
  N12=5000
  N13=100000 H13=1000
  N14=20000 N15=1000000 SAMPLE_SECS=10
  WRK_SECS=5 TOOL_TIMEOUT=900 CRAWL_TIMEOUT=3600 # Scrapy takes about 10 ms of CPU a page
fi
CURL_MAX_PARALLEL=300 # curl silently caps --parallel-max here
CURL_HOSTS_CAP=300    # seconds for curl at scenario 11's largest size, which it would take hours over
CRAWL_DEPTH=20        # --depth for volley's crawls: far past their trees' depth (5 and 6)
DELAY=0.1             # seconds, the /delay location's echo_sleep

# --- packages ----------------------------------------------------------------
ensure_packages() {
  local pkgs=(nginx libnginx-mod-http-echo wrk curl wget2 python3 python3-aiohttp python3-lxml time openssl
    ca-certificates redis-server python3-scrapy)
  local missing=() p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  log "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}
ensure_packages

# Debian's own interpreter: python3-aiohttp, python3-lxml and python3-scrapy are installed for it,
# not for any other python3 that may come first in PATH.
PY=/usr/bin/python3
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so
if [ ! -f "$ECHO_MODULE" ]; then
  ECHO_MODULE=$(dpkg -L libnginx-mod-http-echo | grep '/ngx_http_echo_module\.so$' | head -n1)
  [ -n "$ECHO_MODULE" ] || die "ngx_http_echo_module.so not found"
fi

ulimit -n "$(ulimit -Hn)"
NOFILE=$(ulimit -n)
[ "$NOFILE" -ge 4200 ] || log "warning: ulimit -n is $NOFILE; c=2000 needs about 4,200"

if ! command -v "$VOLLEY" >/dev/null 2>&1; then
  [ "$volley_default" = 1 ] || die "VOLLEY=$VOLLEY is not an executable"
  log "building volley with scripts/setup.sh"
  scripts/setup.sh >&2
  [ -x "$VOLLEY" ] || die "scripts/setup.sh did not produce $VOLLEY"
fi

# --- temp dir, nginx -----------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/volley-bench.XXXXXX")
NGINX_PID="" REDIS_PID="" SITE_PID="" SHM_DIR=""
cleanup() {
  if [ -n "$SITE_PID" ] && kill -0 "$SITE_PID" 2>/dev/null; then
    kill "$SITE_PID" 2>/dev/null || true
    wait "$SITE_PID" 2>/dev/null || true
  fi
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  [ -z "$SHM_DIR" ] || rm -rf "$SHM_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# nginx's workers drop root for www-data: they must be able to read the docroot.
chmod 755 "$TMP"
mkdir -p "$TMP/www" "$TMP/lists" "$TMP/nginx-temp"
head -c 100 /dev/zero | tr '\0' x >"$TMP/www/f100"
# Pages for the scraping cost: ~100 KB with 1,000 links, and ~5 MB with 50,000.
page() {
  awk -v n="$1" 'BEGIN {
    print "<!doctype html><html><head><meta charset=utf-8><title>Bench &amp; page</title></head><body>"
    for (i = 0; i < n; i++) printf "<p>Item %d, some text to parse <a href=\"/item/%d?x=1#f\">item %d</a></p>\n", i, i, i
    print "</body></html>" }'
}
page 1000 >"$TMP/www/page100k.html"
page 50000 >"$TMP/www/page5m.html"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.log" ||
  die "openssl: $(cat "$TMP/openssl.log")"

# The last port is scenario 11's, free on every address since nginx binds it to 0.0.0.0.
read -r PORT TLS_PORT TLS_NEW_PORT HOSTS_PORT < <("$PY" -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks[:3]:
    s.bind(("127.0.0.1", 0))
socks[3].bind(("0.0.0.0", 0))
print(*(s.getsockname()[1] for s in socks))
')

worker_connections=$((NOFILE > 16484 ? 16384 : NOFILE - 100))
{
  echo "load_module $ECHO_MODULE;"
  cat <<EOF
worker_processes 1;
worker_rlimit_nofile $NOFILE;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events {
  worker_connections $worker_connections;
  multi_accept on;
}
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  default_type application/octet-stream;
  client_body_temp_path $TMP/nginx-temp/body;
  proxy_temp_path $TMP/nginx-temp/proxy;
  fastcgi_temp_path $TMP/nginx-temp/fastcgi;
  uwsgi_temp_path $TMP/nginx-temp/uwsgi;
  scgi_temp_path $TMP/nginx-temp/scgi;
  server {
EOF
  # A deep accept queue: c=2000 clients connect at once and nginx's default
  # backlog (511) would turn the overflow into 1 s SYN retransmits.
  for i in $(seq 1 50); do echo "    listen 127.0.0.$i:$PORT backlog=4096;"; done
  cat <<EOF
    root $TMP/www;
    location /delay { echo_sleep $DELAY; echo ok; }
  }
  server {
    listen 127.0.0.1:$TLS_PORT ssl backlog=4096;
    ssl_certificate $TMP/cert.pem;
    ssl_certificate_key $TMP/key.pem;
    root $TMP/www;
    location /delay { echo_sleep $DELAY; echo ok; }
  }
  # Scenario 8: every request a new connection and a full handshake (no keep-alive, no
  # session resumption by cache or ticket).
  server {
    listen 127.0.0.1:$TLS_NEW_PORT ssl backlog=4096;
    ssl_certificate $TMP/cert.pem;
    ssl_certificate_key $TMP/key.pem;
    keepalive_timeout 0;
    ssl_session_cache off;
    ssl_session_tickets off;
    root $TMP/www;
  }
EOF
  # Scenario 11: one port for every 127.x.y.z (Linux routes all of 127/8 to loopback). A bind
  # to one address accepts only connections to that address, so this one is 0.0.0.0, only while
  # scenario 11 is chosen: on an offline bench machine that is acceptable, and the URLs still
  # target only 127/8.
  if [ "$HOSTS_SCENARIO" = 1 ]; then
    echo "  server { listen 0.0.0.0:$HOSTS_PORT backlog=4096; root $TMP/www; }"
  fi
  echo "}"
} >"$TMP/nginx.conf"

nginx -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -p "$TMP/" >"$TMP/nginx.out" 2>&1 &
NGINX_PID=$!
ready=0
for _ in $(seq 1 100); do
  if curl -sf -o /dev/null "http://127.0.0.50:$PORT/f100" &&
    curl -sf -o /dev/null --cacert "$TMP/cert.pem" "https://127.0.0.1:$TLS_PORT/delay" &&
    { [ "$HOSTS_SCENARIO" = 0 ] || curl -sf -o /dev/null "http://127.254.253.252:$HOSTS_PORT/f100"; }; then
    ready=1
    break
  fi
  kill -0 "$NGINX_PID" 2>/dev/null || break
  sleep 0.05
done
if [ "$ready" != 1 ]; then
  cat "$TMP/nginx.out" "$TMP/nginx-error.log" >&2 2>/dev/null || true
  die "nginx did not start"
fi
log "nginx on 127.0.0.1-50:$PORT, https 127.0.0.1:$TLS_PORT and :$TLS_NEW_PORT (pid $NGINX_PID)"

# --- measuring -----------------------------------------------------------------
RESULTS=$TMP/results.tsv META=$TMP/meta.tsv COMMANDS=$TMP/commands.txt REPORT=$TMP/report.md
: >"$RESULTS"
: >"$META"
: >"$COMMANDS"
: >"$REPORT"
FAILED=() MISSED=()
# COUNT_FOUND=1 (a crawl's scenarios): measure also counts the distinct URLs of each run's output,
# as a crawl must find every page once.
COUNT_FOUND=0
# A status-200 field in any of the JSON shapes the tools write.
OK_RE='"(status|status_code|http_code|response_code|code)" ?: ?200([^0-9]|$)'

meta() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$META"; }

# make_list FILE N SCHEME PORT PATH HOSTS — unique URLs (wget2 skips repeats),
# host k cycles over 127.0.0.1..127.0.0.HOSTS.
make_list() {
  seq 1 "$2" | awk -v s="$3" -v p="$4" -v path="$5" -v h="$6" \
    '{ print s "://127.0.0." (($1 - 1) % h + 1) ":" p path "?i=" $1 }' >"$1"
  curl_config "$1"
}

# curl applies -o to one URL only: a config gives every URL its own output.
curl_config() {
  awk '{ print "url = \"" $0 "\"\noutput = \"/dev/null\"" }' "$1" >"$1.curl"
}

# make_hosts_list FILE N PORT — URL k on a host of its own, 127.x.y.z with z in 1-254 and x from
# 1 (up to 16.6 million hosts), all of them answered by scenario 11's port.
make_hosts_list() {
  seq 0 $(($2 - 1)) | awk -v p="$3" \
    '{ printf "http://127.%d.%d.%d:%s/f100\n", int($1 / 65024) + 1, int($1 / 254) % 256, $1 % 254 + 1, p }' >"$1"
  curl_config "$1"
}

# shell_words ARG... — the command as one would type it, for the report.
shell_words() {
  local a words=()
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then words+=("$a"); else words+=("'${a//\'/\'\\\'\'}'"); fi
  done
  echo "${words[*]}"
}

# measure SCEN LABEL RUN URLS CONC FMT OUT -- CMD...
# FMT json: CMD's stdout is its per-URL output, saved to OUT.
# FMT csv: CMD writes OUT itself (wget2's stats CSV, one header line).
measure() {
  local scen=$1 label=$2 run=$3 urls=$4 conc=$5 fmt=$6 out=$7
  shift 8
  local tf=$TMP/time.txt stdout_to=$out rc=0 lines ok t0 t1
  [ "$fmt" = csv ] && stdout_to=/dev/null
  rm -f "$out" "$tf"
  # GNU time gives the peak RSS; wall and CPU come from the shell's clock and
  # its children's rusage (bash's `times`), as GNU time rounds them to 10 ms.
  times >"$TMP/times0"
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S %M' -o "$tf" \
    timeout -k 5 "$TOOL_TIMEOUT" "$@" >"$stdout_to" 2>"$TMP/stderr.txt" || rc=$?
  t1=$EPOCHREALTIME
  times >"$TMP/times1"
  [ -f "$out" ] || : >"$out"
  if [ "$fmt" = csv ]; then
    read -r lines ok < <(awk -F, 'NR > 1 { n++; if ($4 == 200) ok++ } END { print n + 0, ok + 0 }' "$out")
  else
    lines=$(wc -l <"$out")
    ok=$(grep -cE "$OK_RE" "$out" || true)
  fi
  if [ "$COUNT_FOUND" = 1 ]; then
    local found
    if [ "$fmt" = csv ]; then
      found=$(awk -F, 'NR > 1 { print $3 }' "$out" | sort -u | wc -l)
    else
      found=$(grep -oE '"url": ?"[^"]*"' "$out" | sort -u | wc -l)
    fi
    meta "$scen" found "$label|$run|$lines|$found"
    if [ "$lines" != "$urls" ] || [ "$found" != "$urls" ]; then
      MISSED+=("s$scen $label (run $run): $found distinct pages in $lines lines, of $urls")
    fi
  fi
  local wall user sys rss
  local gt_user gt_sys
  read -r _ gt_user gt_sys rss < <(tail -n1 "$tf")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  # `times` line 2 is the children's "XmY.YYYs XmY.YYYs" (user, sys).
  read -r user sys < <(awk 'FNR == 2 {
      split($1, u, /[ms]/); split($2, k, /[ms]/)
      if (NR == FNR) { u0 = u[1] * 60 + u[2]; k0 = k[1] * 60 + k[2] }
      else printf "%.3f %.3f\n", u[1] * 60 + u[2] - u0, k[1] * 60 + k[2] - k0
    }' "$TMP/times0" "$TMP/times1")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$scen" "$label" "$run" "$urls" "$conc" "$wall" "$user" "$sys" "$rss" "$lines" "$ok" "$rc" >>"$RESULTS"
  if [ "$run" = 1 ]; then
    printf '# scenario %s, %s\n%s > %s\n' "$scen" "$label" "$(shell_words "$@")" "$stdout_to" >>"$COMMANDS"
  fi
  log "s$scen run $run $label: ${wall}s, cpu ${user}+${sys}s (GNU time ${gt_user}+${gt_sys}), $lines/$urls lines, exit $rc"
  if [ "$rc" != 0 ]; then
    head -n3 "$TMP/stderr.txt" | sed 's/^/  | /' >&2
    [ "$lines" -gt 0 ] || FAILED+=("s$scen $label")
  fi
  rm -f "$out"
}

# run_tool SCEN RUN LABEL TOOL LIST URLS CONC [CACERT]
run_tool() {
  local scen=$1 run=$2 label=$3 tool=$4 list=$5 urls=$6 conc=$7 ca=${8:-}
  local out=$TMP/out tls=() wtls=()
  if [ -n "$ca" ]; then
    tls=(--cacert "$ca")
    wtls=("--ca-certificate=$ca")
  fi
  case $tool in
    volley)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q -c "$conc" -i "$list" "${tls[@]}" ;;
    volley-baseline)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY_BASELINE" -q -c "$conc" -i "$list" "${tls[@]}" ;;
    volley-queue-*)
      # The list is enqueued afresh before each run, outside the measured time.
      redis-cli -p "$REDIS_PORT" DEL q >/dev/null
      "$VOLLEY" enqueue "redis://127.0.0.1:$REDIS_PORT/q" -q -i "$list" >/dev/null
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$TMP/workers.sh" "${tool#volley-queue-}" "$VOLLEY" -q -c "$conc" --drain \
        --queue "redis://127.0.0.1:$REDIS_PORT/q" ;;
    volley-state-new)
      # Each run starts from no store at all.
      rm -f "$TMP/state-new.db" "$TMP/state-new.db-wal" "$TMP/state-new.db-shm"
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q -c "$conc" -i "$list" --state "$TMP/state-new.db" ;;
    volley-state-again)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q -c "$conc" -i "$list" --state "$TMP/state-again.db" ;;
    volley-scrape)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q -c "$conc" -i "$list" --title --links=all "${tls[@]}" ;;
    volley-baseline-scrape)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY_BASELINE" -q -c "$conc" -i "$list" --title --links=all "${tls[@]}" ;;
    volley-links)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q --links --title -c "$conc" -i "$list" ;;
    volley-baseline-links)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY_BASELINE" -q --links --title -c "$conc" -i "$list" ;;
    curl)
      local pc=$((conc > CURL_MAX_PARALLEL ? CURL_MAX_PARALLEL : conc))
      # -s alone does not silence curl 7.88's parallel progress meter.
      measure "$scen" "$label" "$run" "$urls" "$pc" json "$out" -- \
        curl --parallel --parallel-max "$pc" --parallel-immediate -s --no-progress-meter \
        -w '%{json}\n' "${tls[@]}" --config "$list.curl" ;;
    wget2)
      # No config, HSTS/HPKP/OCSP or netrc: nothing read or written in $HOME.
      measure "$scen" "$label" "$run" "$urls" "$conc" csv "$out" -- \
        wget2 --no-config --no-hsts --no-hpkp --no-ocsp --no-netrc -q -O /dev/null \
        --max-threads "$conc" --stats-site="csv:$out" "${wtls[@]}" -i "$list" ;;
    wget2-recursive)
      # The crawl starts at the list's first URL and finds the rest through the links; the pages
      # it writes go to a directory emptied before each run, outside the measured time.
      rm -rf "$TMP/wget2-r"
      measure "$scen" "$label" "$run" "$urls" "$conc" csv "$out" -- \
        wget2 --no-config --no-hsts --no-hpkp --no-ocsp --no-netrc -q -r -l inf --no-robots \
        --no-host-directories -P "$TMP/wget2-r" --max-threads "$conc" --stats-site="csv:$out" \
        "$(head -n1 "$list")"
      rm -rf "$TMP/wget2-r" ;;
    volley-crawl)
      # LIST is the crawl's first page.
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q --crawl -c "$conc" --depth "$CRAWL_DEPTH" "$list" ;;
    volley-crawl-state)
      # Each run starts from no store at all.
      rm -f "$TMP/crawl-state.db" "$TMP/crawl-state.db-wal" "$TMP/crawl-state.db-shm"
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q --crawl -c "$conc" --depth "$CRAWL_DEPTH" --state "$TMP/crawl-state.db" "$list" ;;
    volley-crawl-million)
      rm -f "$TMP/crawl-state.db" "$TMP/crawl-state.db-wal" "$TMP/crawl-state.db-shm"
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$VOLLEY" -q --crawl -c "$conc" --depth "$CRAWL_DEPTH" --max-pages "$urls" \
        --state "$TMP/crawl-state.db" "$list" ;;
    wget2-crawl)
      # As wget2-recursive, but the pages go to a tmpfs, so that no disk is measured.
      rm -rf "$SHM_DIR/wget2"
      measure "$scen" "$label" "$run" "$urls" "$conc" csv "$out" -- \
        wget2 --no-config --no-hsts --no-hpkp --no-ocsp --no-netrc -q -r -l inf --no-robots \
        --no-host-directories -P "$SHM_DIR/wget2" --max-threads "$conc" --stats-site="csv:$out" "$list"
      rm -rf "$SHM_DIR/wget2" ;;
    scrapy)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$PY" "$ROOT/bench/scrapy_crawl.py" -c "$conc" "$list" ;;
    xargs)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        xargs -P "$conc" -n 1 -a "$list" curl -s -o /dev/null -w '%{json}\n' "${tls[@]}" ;;
    aiohttp)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$PY" "$ROOT/bench/aiohttp_fetch.py" -c "$conc" -i "$list" "${tls[@]}" ;;
    aiohttp-lxml)
      measure "$scen" "$label" "$run" "$urls" "$conc" json "$out" -- \
        "$PY" "$ROOT/bench/aiohttp_lxml.py" -c "$conc" -i "$list" ;;
    *) die "unknown tool $tool" ;;
  esac
}

# round_robin SCEN SPEC... with SPEC = "label|tool|list|urls|conc|cacert".
# Run r starts one tool further along, so no tool is always first or last.
round_robin() {
  local scen=$1
  shift
  local specs=("$@") r k label tool list urls conc ca
  for ((r = 1; r <= RUNS; r++)); do
    for ((k = 0; k < ${#specs[@]}; k++)); do
      IFS='|' read -r label tool list urls conc ca <<<"${specs[(k + r - 1) % ${#specs[@]}]}"
      run_tool "$scen" "$r" "$label" "$tool" "$list" "$urls" "$conc" "$ca"
    done
  done
}

# run_wrk SCEN URL [CACERT-less: wrk does not verify certificates]
run_wrk() {
  local scen=$1 url=$2 tf=$TMP/time.txt rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$tf" \
    wrk -t1 -c100 -d"${WRK_SECS}s" "$url" >"$TMP/wrk.txt" 2>&1 || rc=$?
  local requests rps non2xx wall user sys rss
  requests=$(awk '/ requests in / { print $1 }' "$TMP/wrk.txt")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TMP/wrk.txt")
  if [ -z "$requests" ] || [ -z "$rps" ]; then
    cat "$TMP/wrk.txt" >&2
    FAILED+=("s$scen wrk")
    return 0
  fi
  read -r _ user sys rss < <(tail -n1 "$tf")
  wall=$(awk -v n="$requests" -v r="$rps" 'BEGIN { printf "%.3f", n / r }')
  printf '%s\twrk (ceiling)\t1\t%s\t100\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$scen" "$requests" "$wall" "$user" "$sys" "$rss" "$requests" "$((requests - ${non2xx:-0}))" "$rc" >>"$RESULTS"
  printf '# scenario %s, wrk (ceiling)\nwrk -t1 -c100 -d%ss %s\n' "$scen" "$WRK_SECS" "$url" >>"$COMMANDS"
  meta "$scen" no_lines "wrk (ceiling)"
  meta "$scen" no_ideal "wrk (ceiling)"
  log "s$scen wrk: $rps req/s"
}

report() {
  "$PY" "$ROOT/bench/summarize.py" "$RESULTS" "$META" "$1" | tee -a "$REPORT"
}

fmt_n() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }
ideal() { awk -v n="$1" -v c="$2" -v d="$DELAY" 'BEGIN { printf "%g", int((n + c - 1) / c) * d }'; }
url() { echo "http://127.0.0.1:$PORT/f100"; }

WRK_NOTE="wrk (ceiling): one fixed URL, -t1 -c100 for ${WRK_SECS} s; its URLs column is the requests it made."
CURL_NOTE="curl caps --parallel-max at $CURL_MAX_PARALLEL, so it ran at c=$CURL_MAX_PARALLEL."

# baseline_spec LIST URLS CONC: BASELINE becomes the round_robin spec of $VOLLEY_BASELINE, or
# nothing when it is not set.
baseline_spec() {
  BASELINE=()
  [ -z "${VOLLEY_BASELINE:-}" ] || BASELINE=("volley (baseline)|volley-baseline|$1|$2|$3")
}

scenario_1() {
  local list=$TMP/lists/s1
  make_list "$list" "$N1" http "$PORT" /f100 1
  meta 1 title "$(fmt_n "$N1") URLs of a 100-byte file, one host, c=100"
  meta 1 note "xargs: \`xargs -P 100 -n 1 curl\`, one process per URL; its peak RSS is one curl's, not the sum of 100."
  meta 1 note "$WRK_NOTE"
  baseline_spec "$list" "$N1" 100
  round_robin 1 "volley|volley|$list|$N1|100" "${BASELINE[@]}" \
    "curl --parallel|curl|$list|$N1|100" "wget2|wget2|$list|$N1|100" "xargs -P curl|xargs|$list|$N1|100" \
    "aiohttp|aiohttp|$list|$N1|100"
  run_wrk 1 "$(url)"
  report 1
}

scenario_2() {
  local list=$TMP/lists/s2
  make_list "$list" "$N1" http "$PORT" /f100 50
  meta 2 title "$(fmt_n "$N1") URLs of a 100-byte file over 50 hosts (127.0.0.1–127.0.0.50), c=100"
  baseline_spec "$list" "$N1" 100
  round_robin 2 "volley|volley|$list|$N1|100" "${BASELINE[@]}" \
    "curl --parallel|curl|$list|$N1|100" \
    "wget2|wget2|$list|$N1|100" "aiohttp|aiohttp|$list|$N1|100"
  report 2
}

# delay_scenario SCEN URLS CONC — fixed 100 ms answers; volley at c=100 on
# N_BASE URLs is the baseline for "CPU per request grows with concurrency?".
delay_scenario() {
  local scen=$1 n=$2 c=$3 list=$TMP/lists/s$1 base=$TMP/lists/base
  make_list "$list" "$n" http "$PORT" /delay 1
  [ -f "$base" ] || make_list "$base" "$N_BASE" http "$PORT" /delay 1
  local base_label="volley c=100 baseline"
  meta "$scen" title "$(fmt_n "$n") URLs answered after 100 ms, c=$(fmt_n "$c")"
  meta "$scen" ideal "$(ideal "$n" "$c")"
  meta "$scen" no_ideal "$base_label"
  meta "$scen" cpu_base "$base_label"
  meta "$scen" no_ratio "$base_label"
  meta "$scen" note "ideal wall = ⌈URLs ÷ c⌉ × 100 ms. $CURL_NOTE"
  meta "$scen" note "$base_label: volley on $(fmt_n "$N_BASE") delay URLs at c=100 (ideal $(ideal "$N_BASE" 100) s)."
  round_robin "$scen" "volley|volley|$list|$n|$c" "curl --parallel|curl|$list|$n|$c" \
    "wget2|wget2|$list|$n|$c" "aiohttp|aiohttp|$list|$n|$c" "$base_label|volley|$base|$N_BASE|100"
  report "$scen"
}
scenario_3() { delay_scenario 3 "$N3" 500; }
scenario_4() { delay_scenario 4 "$N4" 2000; }

scenario_5() {
  local list=$TMP/lists/s5 small=$TMP/lists/s5small
  local small_label
  small_label="volley $(fmt_n "$N5_SMALL") URLs"
  make_list "$list" "$N5" http "$PORT" /f100 1
  make_list "$small" "$N5_SMALL" http "$PORT" /f100 1
  rm -f "$list.curl" "$small.curl"
  meta 5 title "volley alone, $(fmt_n "$N5") URLs of a 100-byte file, c=100"
  meta 5 rss_small "$small_label"
  meta 5 no_ratio "$small_label"
  round_robin 5 "volley|volley|$list|$N5|100" "$small_label|volley|$small|$N5_SMALL|100"
  report 5
}

scenario_6() {
  local list=$TMP/lists/s6 ca=$TMP/cert.pem
  make_list "$list" "$N6" https "$TLS_PORT" /f100 1
  meta 6 title "HTTPS (self-signed, --cacert), $(fmt_n "$N6") URLs of a 100-byte file, c=100"
  meta 6 note "wget2 verifies with --ca-certificate; aiohttp with ssl.create_default_context(cafile=...); wrk does not verify."
  meta 6 note "$WRK_NOTE"
  round_robin 6 "volley|volley|$list|$N6|100|$ca" "curl --parallel|curl|$list|$N6|100|$ca" \
    "wget2|wget2|$list|$N6|100|$ca" "aiohttp|aiohttp|$list|$N6|100|$ca"
  run_wrk 6 "https://127.0.0.1:$TLS_PORT/f100"
  report 6
}

# The cost of --title --links: the same pages fetched plain and scraped; the CPU difference per
# request is the parse cost per page (extraction runs on the body worker threads; the process's
# CPU includes theirs).
scenario_7() {
  local list=$TMP/lists/s7 big=$TMP/lists/s7big
  make_list "$list" "$N7" http "$PORT" /page100k.html 1
  make_list "$big" "$N7_BIG" http "$PORT" /page5m.html 1
  meta 7 title "scraping cost: --title --links=all on $(fmt_n "$N7") 100 KB pages (1,000 links) and $(fmt_n "$N7_BIG") 5 MB pages (50,000 links)"
  meta 7 note "parse cost per page = CPU µs/req of the scraped row minus the plain row of the same page."
  for l in "plain 100 KB" "scraped 100 KB" "plain 5 MB" "scraped 5 MB"; do meta 7 no_ratio "volley $l"; done
  # The baseline scrapes only: a plain fetch does not run the extractor, so its plain rows serve both.
  local base=()
  if [ -n "${VOLLEY_BASELINE:-}" ]; then
    for l in "scraped 100 KB" "scraped 5 MB"; do meta 7 no_ratio "volley (baseline) $l"; done
    meta 7 note "volley (baseline) is VOLLEY_BASELINE with the same flags; its parse cost is its scraped row minus volley's plain row."
    base=("volley (baseline) scraped 100 KB|volley-baseline-scrape|$list|$N7|100"
      "volley (baseline) scraped 5 MB|volley-baseline-scrape|$big|$N7_BIG|10")
  fi
  round_robin 7 "volley plain 100 KB|volley|$list|$N7|100" "volley scraped 100 KB|volley-scrape|$list|$N7|100" \
    "volley plain 5 MB|volley|$big|$N7_BIG|10" "volley scraped 5 MB|volley-scrape|$big|$N7_BIG|10" "${base[@]}"
  report 7
}

# A trust store of real size: verifying one self-signed server against the whole system bundle
# is what a crawl of public sites pays for every new connection.
scenario_8() {
  local list=$TMP/lists/s8 bundle=$TMP/bundle.pem
  [ -s /etc/ssl/certs/ca-certificates.crt ] || die "/etc/ssl/certs/ca-certificates.crt is missing (ca-certificates)"
  cat /etc/ssl/certs/ca-certificates.crt "$TMP/cert.pem" >"$bundle"
  make_list "$list" "$N8" https "$TLS_NEW_PORT" /f100 1
  meta 8 title "HTTPS, a new connection and full handshake per URL (keepalive_timeout 0, no session cache or tickets), verified against the system CA bundle + the test certificate ($(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates), $(fmt_n "$N8") URLs, c=50"
  meta 8 note "every request is a new TLS connection: CPU µs/req is the client's CPU per connection."
  meta 8 note "wget2 verifies with --ca-certificate; aiohttp with ssl.create_default_context(cafile=...)."
  round_robin 8 "volley|volley|$list|$N8|50|$bundle" "curl --parallel|curl|$list|$N8|50|$bundle" \
    "wget2|wget2|$list|$N8|50|$bundle" "aiohttp|aiohttp|$list|$N8|50|$bundle"
  report 8
}

# A private redis-server on a free loopback port, no persistence; workers.sh K CMD... runs K
# workers of CMD at once, each to its own file, and prints their lines when all have ended.
start_redis() {
  REDIS_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$TMP/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP/redis" \
    >"$TMP/redis/log" 2>&1 &
  REDIS_PID=$!
  local i
  for i in $(seq 1 100); do
    [ "$(redis-cli -p "$REDIS_PORT" PING 2>/dev/null)" = PONG ] && break
    sleep 0.05
  done
  [ "$(redis-cli -p "$REDIS_PORT" PING 2>/dev/null)" = PONG ] || die "redis-server did not start"
  cat >"$TMP/workers.sh" <<'SH'
#!/usr/bin/env bash
n=$1
shift
dir=$(mktemp -d)
for ((k = 0; k < n; k++)); do "$@" -o "$dir/w$k" & done
rc=0
for ((k = 0; k < n; k++)); do wait -n || rc=$?; done
cat "$dir"/w*
rm -rf "$dir"
exit $rc
SH
  chmod +x "$TMP/workers.sh"
}

scenario_9() {
  local list=$TMP/lists/s9
  [ -n "$REDIS_PID" ] || start_redis
  make_list "$list" "$N9" http "$PORT" /f100 1
  meta 9 title "work queue: $(fmt_n "$N9") URLs of a 100-byte file, one host, c=100 per worker, read from a Redis stream (--queue --drain) against a plain -i run"
  meta 9 note "the list is enqueued before each queue run, outside its time; N workers run at once, each at c=100, on $(nproc) CPUs shared with nginx and redis-server."
  round_robin 9 "volley -i|volley|$list|$N9|100" "queue, 1 worker|volley-queue-1|$list|$N9|100" \
    "queue, 2 workers|volley-queue-2|$list|$N9|100" "queue, 4 workers|volley-queue-4|$list|$N9|100"
  report 9
}

# The store's cost: the same URLs as scenario 1 with --state, first on an empty store, then over
# a store that holds them all (nginx then answers each conditional request with a 304).
scenario_10() {
  local list=$TMP/lists/s10 big=$TMP/lists/s10big
  make_list "$list" "$N1" http "$PORT" /f100 1
  rm -f "$list.curl"
  meta 10 title "--state: $(fmt_n "$N1") URLs of a 100-byte file, one host, c=100, on an empty store and on a second run"
  meta 10 note "bar: each --state row at least 50% of volley's req/s, i.e. volley ÷ tool req/s at most 2."
  meta 10 note "second run: the store already holds every URL (one run before the first measurement); nginx answers each If-None-Match with a 304."
  rm -f "$TMP"/state-again.db*
  "$VOLLEY" -q -c 100 -i "$list" --state "$TMP/state-again.db" >/dev/null || die "could not fill the store for scenario 10"
  round_robin 10 "volley|volley|$list|$N1|100" "volley --state, empty store|volley-state-new|$list|$N1|100" \
    "volley --state, second run|volley-state-again|$list|$N1|100"
  if [ "$QUICK" != 1 ]; then
    # Peak RSS with the store at a million URLs (once: it takes minutes); the bar is 64 MiB.
    make_list "$big" "$N5" http "$PORT" /f100 1
    rm -f "$big.curl"
    meta 10 no_ratio "volley --state, $(fmt_n "$N5") URLs"
    run_tool 10 1 "volley --state, $(fmt_n "$N5") URLs" volley-state-new "$big" "$N5" 100
  fi
  report 10
  rm -f "$TMP"/state-*.db*
}

# Each URL its own host: what a link checker or the first level of a crawl over many sites asks.
# libcurl 7.88's caches cost time per URL in the number of hosts seen (docs/benchmarks.md, "Many
# hosts"); the bars: volley's CPU per URL at the largest size at most 1.5x that at the smallest,
# below curl's at every size, and peak RSS under 64 MiB at the largest.
scenario_11() {
  local n list label specs=() small=${N11[0]} large=${N11[-1]}
  meta 11 title "many hosts: each URL its own 127.x.y.z host, $(fmt_n "$small") to $(fmt_n "$large") URLs, c=100"
  for n in "${N11[@]}"; do
    list=$TMP/lists/s11-$n
    make_hosts_list "$list" "$n" "$HOSTS_PORT"
    meta 11 cpu_ratio "volley $(fmt_n "$n") hosts|curl --parallel $(fmt_n "$n") hosts|1"
    # The largest size takes curl minutes: once per tool, after the others' rounds.
    [ "$QUICK" = 0 ] && [ "$n" = "$large" ] && continue
    specs+=("volley $(fmt_n "$n") hosts|volley|$list|$n|100" "curl --parallel $(fmt_n "$n") hosts|curl|$list|$n|100")
  done
  meta 11 cpu_ratio "volley $(fmt_n "$large") hosts|volley $(fmt_n "$small") hosts|1.5"
  meta 11 rss_limit "volley $(fmt_n "$large") hosts|64"
  meta 11 note "nginx answers every 127.x.y.z on one port bound to 0.0.0.0; each URL is /f100 (100 bytes) on a host of its own."
  round_robin 11 "${specs[@]}"
  if [ "$QUICK" = 0 ]; then
    list=$TMP/lists/s11-$large
    label="curl --parallel $(fmt_n "$large") hosts"
    meta 11 note "$(fmt_n "$large") hosts: one run per tool; curl's is stopped after $CURL_HOSTS_CAP s, and its CPU µs/req counts the URLs it finished, the first and cheapest."
    meta 11 per_line "$label"
    run_tool 11 1 "volley $(fmt_n "$large") hosts" volley "$list" "$large" 100
    TOOL_TIMEOUT=$CURL_HOSTS_CAP run_tool 11 1 "$label" curl "$list" "$large" 100
  fi
  report 11
}

# site_pages DIR N: N pages of ~50 KiB of nested markup, DIR/p0.html … DIR/p<N-1>.html. Page i
# links to page i+1, so a crawl from page 0 reaches every page, and to 9 pages spread by
# multiplication, so the crawl is a few levels deep rather than a chain; half the links are
# relative. Deterministic: the same N makes the same bytes.
site_pages() {
  "$PY" - "$1" "$2" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua").split()
os.makedirs(out, exist_ok=True)
for i in range(n):
    targets = [(i + 1) % n] + [(i * 7919 + k * 104729 + 13) % n for k in range(1, 10)]
    parts = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
             f'<title>Page {i} &amp; its items</title></head>\n'
             f'<body class="page" data-page="{i}">\n<div id="main" class="container">\n']
    length, j = len(parts[0]), 0
    while length < 50 * 1024 or j < 10 * len(targets):
        text = " ".join(words[(i + j + w) % len(words)] for w in range(24))
        block = (f'<div class="section s{j % 7}" id="sec-{j}" data-index="{j}">'
                 f'<div class="row"><span class="label" title="Item {j} of page {i}">Item {j}</span>'
                 f'<p class="text" style="margin:0">{text} <span class="em">{words[j % len(words)]}</span> '
                 f'{text}</p>')
        if j % 10 == 0 and j // 10 < len(targets):
            t = targets[j // 10]
            href = f"/site/p{t}.html" if t % 2 else f"p{t}.html"
            block += f'<p class="more"><a href="{href}" class="link" rel="related">Page {t}</a></p>'
        block += "</div></div>\n"
        parts.append(block)
        length += len(block)
        j += 1
    parts.append("</div></body></html>\n")
    with open(os.path.join(out, f"p{i}.html"), "w", encoding="utf-8") as f:
        f.write("".join(parts))
PY
}

# Link extraction against the network: the same site fetched plain, fetched with --links --title
# (every page parsed), and crawled by wget2 -r, which parses every page for its links to find the
# next ones and writes each to a file.
scenario_12() {
  local list=$TMP/lists/s12 label="volley --links --title"
  [ -f "$TMP/www/site/p$((N12 - 1)).html" ] || site_pages "$TMP/www/site" "$N12"
  seq 0 $((N12 - 1)) | awk -v p="$PORT" '{ print "http://127.0.0.1:" p "/site/p" $1 ".html" }' >"$list"
  meta 12 title "link extraction: a site of $(fmt_n "$N12") pages of ~50 KiB (nested div/span/p with attributes, 10 links each), c=50"
  meta 12 ref "$label"
  meta 12 no_ratio "volley fetch only"
  meta 12 note "bars: $label at least as fast as wget2 -r and at least 5× aiohttp + lxml in pages/s (req/s), i.e. volley ÷ tool req/s at least 1 on the wget2 row and at least 5 on the aiohttp + lxml row."
  meta 12 note "volley reads the list of every page; wget2 -r starts at page 0 and finds the others through the links (-l inf --no-robots --no-host-directories, files written under \$TMP, --max-threads 50)."
  meta 12 note "aiohttp + lxml: bench/aiohttp_lxml.py over the same list, c=50; each page parsed with lxml.html on the event loop for its title and every <a href>, resolved as volley's --links."
  meta 12 note "volley runs process_body on $(nproc) worker thread(s) here (one per CPU); volley (baseline) is VOLLEY_BASELINE with the same flags."
  local base=()
  [ -z "${VOLLEY_BASELINE:-}" ] || base=("volley (baseline) --links --title|volley-baseline-links|$list|$N12|50")
  round_robin 12 "volley fetch only|volley|$list|$N12|50" "$label|volley-links|$list|$N12|50" "${base[@]}" \
    "wget2 -r|wget2-recursive|$list|$N12|50" "aiohttp + lxml|aiohttp-lxml|$list|$N12|50"
  report 12
}

# Priority's cost: the same request objects with and without "priority", over many hosts, so
# that the scheduler's ready set holds many and every pick reorders it. Names under .localhost
# are loopback to libcurl (7.78+) without a lookup: a thousand hosts on one nginx port.
scenario_13() {
  local plain=$TMP/lists/s13plain ranked=$TMP/lists/s13ranked sorted=$TMP/lists/s13sorted
  seq 1 "$N13" | awk -v p="$PORT" -v h="$H13" '{
      printf "{\"url\":\"http://h%d.localhost:%s/f100?i=%d\"}\n", ($1 - 1) % h + 1, p, $1 }' >"$plain"
  seq 1 "$N13" | awk -v p="$PORT" -v h="$H13" 'BEGIN { srand(13) } {
      printf "{\"url\":\"http://h%d.localhost:%s/f100?i=%d\",\"priority\":%d\n",
        ($1 - 1) % h + 1, p, $1, int(rand() * 2001) - 1000 }' >"$ranked.tmp"
  # The same objects without the field, in the order their priorities start them: the hosts
  # follow one another as with priorities, so only the scheduler's work differs.
  awk -F',"priority":' '{ print $2 "\t" $1 "}" }' "$ranked.tmp" | sort -s -t"$(printf '\t')" -k1,1nr |
    cut -f2 >"$sorted"
  sed 's/$/}/' "$ranked.tmp" >"$ranked"
  rm -f "$ranked.tmp"
  meta 13 title "priority: $(fmt_n "$N13") request objects over $(fmt_n "$H13") hosts, c=200, with random priorities against none"
  meta 13 note "volley: the objects without \`priority\`, sorted by the priorities they had (the start order the priorities give); volley, input order: the same, as generated (host 1, 2, …, $(fmt_n "$H13"), 1, …)."
  meta 13 note "bar: CPU per request with priorities within 10% of volley's, i.e. volley ÷ tool CPU/req at least 0.91."
  meta 13 note "priorities uniform in -1,000…1,000. A random host order reuses fewer connections than the input order, whose next URL at c=200 is mostly of the host that just answered: that is the input order's row, not the scheduler."
  round_robin 13 "volley|volley|$sorted|$N13|200" "volley, input order|volley|$plain|$N13|200" \
    "volley, random priorities|volley|$ranked|$N13|200"
  report 13
}

# A tmpfs for what a crawler writes (wget2 -r's pages), so that no disk is measured; $TMP when
# /dev/shm is not one.
shm_dir() {
  [ -z "$SHM_DIR" ] || return 0
  if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
    SHM_DIR=$(mktemp -d /dev/shm/volley-bench.XXXXXX)
  else
    log "warning: /dev/shm is not a writable tmpfs; wget2 -r writes under $TMP"
    SHM_DIR=$TMP/shm
    mkdir -p "$SHM_DIR"
  fi
}

# crawl_site DIR N: N pages of ~1.3 KB, DIR/p0.html … DIR/p<N-1>.html, 10 links each. Page i
# links to its children 10i+1 … 10i+10 (a tree of fan-out 10: every page at most log10(N) + 1
# links from page 0), and a page with fewer children to pages spread by multiplication in their
# place (cross links, which a crawler must know as seen); half the links are relative.
# Deterministic: the same N makes the same bytes.
crawl_site() {
  "$PY" - "$1" "$2" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua").split()
os.makedirs(out, exist_ok=True)
for i in range(n):
    targets = [t for t in range(10 * i + 1, 10 * i + 11) if t < n]
    k = 1
    while len(targets) < 10:
        targets.append((i * 7919 + k * 104729 + 13) % n)
        k += 1
    text = " ".join(words[(i + w) % len(words)] for w in range(70))
    items = "".join(f'<li><a href="{f"p{t}.html" if t % 2 else f"/crawl/p{t}.html"}">Page {t}</a></li>\n'
                    for t in targets)
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Page {i}</title></head>\n'
            f'<body>\n<h1>Page {i}</h1>\n<p>{text}</p>\n<ul class="links">\n{items}</ul>\n'
            f'<p>{text[:len(text) // 2]}</p>\n</body></html>\n')
    with open(os.path.join(out, f"p{i}.html"), "w", encoding="utf-8") as f:
        f.write(page)
PY
}

# A crawl from one page against the crawlers people use: each tool starts at page 0 and must find
# the other pages through the links, each once (COUNT_FOUND). The bars: volley's pages/s at least
# 2x wget2 -r's and ahead of Scrapy's, and its peak RSS with --state at most 64 MiB.
scenario_14() {
  local seed="http://127.0.0.1:$PORT/crawl/p0.html"
  [ -f "$TMP/www/crawl/p$((N14 - 1)).html" ] || crawl_site "$TMP/www/crawl" "$N14"
  shm_dir
  meta 14 title "crawl: a static site of $(fmt_n "$N14") pages of ~1.3 KB, 10 in-site links each, from its first page, c=50"
  meta 14 rps_ratio "volley|wget2 -r|2"
  meta 14 rps_ratio "volley|Scrapy|1"
  meta 14 rss_limit "volley --state|64"
  meta 14 note "pages/s = pages ÷ wall (the req/s column); every tool starts at $seed and must find the other $(fmt_n $((N14 - 1))) pages through the links, each once (the found line)."
  meta 14 note "volley: \`volley -q --crawl -c 50 --depth $CRAWL_DEPTH URL\` (the tree is $(awk -v n="$N14" 'BEGIN { d = 0; for (m = 1; m < n; m = m * 10 + 1) d++; print d }') links deep); volley --state: the same with a new --state file per run."
  meta 14 note "wget2 -r: -l inf --no-robots --no-host-directories --max-threads 50, its pages written to a tmpfs ($(dirname "$SHM_DIR")); its lines are those of --stats-site."
  meta 14 note "Scrapy: bench/scrapy_crawl.py, a CrawlSpider following every link on the host (LinkExtractor), breadth-first (DEPTH_PRIORITY 1, FIFO queues), CONCURRENT_REQUESTS and _PER_DOMAIN 50, no robots.txt, no AutoThrottle, a JSON line per page through its feed export; $("$PY" -c 'import scrapy; print("Scrapy", scrapy.__version__)')."
  COUNT_FOUND=1
  TOOL_TIMEOUT=$CRAWL_TIMEOUT round_robin 14 "volley|volley-crawl|$seed|$N14|50" \
    "volley --state|volley-crawl-state|$seed|$N14|50" "wget2 -r|wget2-crawl|$seed|$N14|50" \
    "Scrapy|scrapy|$seed|$N14|50"
  COUNT_FOUND=0
  report 14
  rm -f "$TMP"/crawl-state.db*
}

# site_cpu: the CPU seconds bench/endless_site.py's processes have used so far.
site_cpu() {
  local pid kids stats=()
  mapfile -t kids < <(pgrep -P "$SITE_PID")
  for pid in "$SITE_PID" "${kids[@]}"; do stats+=("/proc/$pid/stat"); done
  cat "${stats[@]}" 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 } END { printf "%.2f", t / hz }'
}

start_endless_site() {
  "$PY" "$ROOT/bench/endless_site.py" --pages "$1" --workers 2 >"$TMP/site.port" 2>"$TMP/site.log" &
  SITE_PID=$!
  local i
  for i in $(seq 1 100); do
    [ -s "$TMP/site.port" ] && break
    kill -0 "$SITE_PID" 2>/dev/null || break
    sleep 0.05
  done
  SITE_PORT=$(head -n1 "$TMP/site.port")
  if [ -z "$SITE_PORT" ] || ! curl -sf -o /dev/null "http://127.0.0.1:$SITE_PORT/p/0"; then
    die "bench/endless_site.py did not start: $(cat "$TMP/site.log")"
  fi
}

# A crawl too large for a static site: N15 pages of a tree made up as they are asked for, with
# --state, once (it takes minutes). Its output's lines are counted every SAMPLE_SECS, outside
# volley, for the rate it holds from start to end.
scenario_15() {
  local label="volley --crawl --state" samples=$TMP/samples sampler seed cpu0 cpu1 rates
  [ -n "$SITE_PID" ] || start_endless_site "$N15"
  seed="http://127.0.0.1:$SITE_PORT/p/0"
  meta 15 title "a crawl of $(fmt_n "$N15") pages with --state: a tree of fan-out 10 made up by bench/endless_site.py, c=50"
  meta 15 note "\`volley -q --crawl -c 50 --depth $CRAWL_DEPTH --max-pages $N15 --state FILE $seed\`, one run, a new --state file; page /p/N (~1.3 KB) links to /p/10N+1 … /p/10N+10, those below $(fmt_n "$N15"): every page is reached by one link, and the frontier (pages found, not yet fetched) grows to the tree's last level, most of the site."
  rm -f "$samples"
  (
    while :; do
      echo "$EPOCHREALTIME $(wc -l 2>/dev/null <"$TMP/out" || echo 0)"
      sleep "$SAMPLE_SECS"
    done
  ) >"$samples" &
  sampler=$!
  cpu0=$(site_cpu)
  COUNT_FOUND=1 TOOL_TIMEOUT=$CRAWL_TIMEOUT run_tool 15 1 "$label" volley-crawl-million "$seed" "$N15" 50
  cpu1=$(site_cpu)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  # Lines/s in each full window: those ending before the last line (the run's end falls in the
  # window after; measure removes the output before the sampler stops, so the last samples are 0).
  rates=$("$PY" - "$samples" <<'PY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1]) if len(line.split()) == 2]
last = max((n for _, n in rows), default=0)
r = [(n1 - n0) / (t1 - t0) for (t0, n0), (t1, n1) in zip(rows, rows[1:]) if n0 < n1 < last]
print(f"min {min(r):,.0f}, median {statistics.median(r):,.0f}, max {max(r):,.0f}; first window "
      f"{r[0]:,.0f}, last {r[-1]:,.0f} ({len(r)} windows)" if r else "no full window")
PY
)
  meta 15 note "lines/s per ${SAMPLE_SECS} s window: $rates."
  meta 15 note "the server: 2 Python processes, $(awk -v a="$cpu0" -v b="$cpu1" -v n="$N15" 'BEGIN { printf "%.2f s of CPU, %.0f µs a page", b - a, (b - a) / n * 1e6 }') (the machine has $(nproc) CPUs; when server and volley together need them all, the rate is the machine's, not volley's)."
  report 15
  rm -f "$TMP"/crawl-state.db*
  kill "$SITE_PID" 2>/dev/null || true
  wait "$SITE_PID" 2>/dev/null || true
  SITE_PID=""
}

started=$(date +%s)
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "scenario_$s"
  rm -f "$TMP"/lists/s"$s"*
done

if [ -n "$OUT" ]; then
  volley_version=$("$VOLLEY" --version 2>/dev/null | head -n1 || true)
  aiohttp_version=$("$PY" -c 'import aiohttp; print(aiohttp.__version__)')
  lxml_version=$("$PY" -c 'import lxml.etree; print(lxml.etree.__version__)')
  {
    echo "# volley benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
      "$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -sr)"
    echo "- mode: $([ "$QUICK" = 1 ] && echo quick || echo full), $RUNS run(s) per tool, scenarios ${SCENARIOS[*]}, $(($(date +%s) - started)) s"
    echo "- volley: $VOLLEY ${volley_version:+($volley_version)}"
    echo "- $(curl --version | head -n1)"
    echo "- $(wget2 --version | head -n1)"
    echo "- $(nginx -v 2>&1), worker_processes 1, echo module; ulimit -n $NOFILE"
    echo "- $("$PY" --version), aiohttp $aiohttp_version, lxml $lxml_version"
    echo "- $(wrk -v 2>&1 | head -n1)"
    echo "- Scrapy $("$PY" -c 'import scrapy; print(scrapy.__version__)'), Twisted $("$PY" -c 'import twisted; print(twisted.__version__)')"
    echo
    echo "## Commands (\$TMP is the run's temp dir)"
    echo
    echo '```'
    sed -e "s|$TMP|\$TMP|g" -e "s|$ROOT/||g" "$COMMANDS"
    echo "# \$TMP/lists/sN.curl holds, per URL: url = \"...\" and output = \"/dev/null\""
    echo '```'
    echo
    cat "$REPORT"
  } >"$OUT"
  log "report written to $OUT"
fi

if [ ${#MISSED[@]} -gt 0 ]; then
  log "FAILED: a crawl did not find every page once:"
  for m in "${MISSED[@]}"; do log "  $m"; done
fi
if [ ${#FAILED[@]} -gt 0 ]; then
  log "FAILED: ${FAILED[*]} produced no output"
fi
[ ${#FAILED[@]} -eq 0 ] && [ ${#MISSED[@]} -eq 0 ] || exit 1
echo "bench: done"
