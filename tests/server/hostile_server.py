#!/usr/bin/env python3
"""Loopback HTTP(S) test server for volley's integration tests.

Standard library only.  Binds 127.0.0.1.  Every handler is bounded in time
(at most ~30 s of deliberate stalling, 35 s of idle keep-alive), threads are
daemons, so nothing can hang a test run forever.

Use as a module::

    server, port = start_server()            # plain HTTP
    server, port = start_server(tls=(cert, key))   # or an ssl.SSLContext
    ...
    server.shutdown()

or as a script::

    python3 hostile_server.py --port 0 --port-file F [--tls-cert C --tls-key K]

Bookkeeping endpoints (never counted themselves):
    GET /_stats     {"max_inflight", "max_inflight_by_host", "count",
                     "count_by_path", "inflight", "inflight_by_key"}
                    (inflight_by_key: requests in flight per ?key=K query
                    parameter, so a test counts only its own requests and not
                    the slow ones an earlier test left running)
    GET /_reset     clears the statistics and the request log
    GET /_requests  JSON list of the requests received since the last reset
                    (method, path, raw_path, host, headers, body, body_len,
                    proxied, t: arrival time.monotonic()) -- this is how tests see what /echo and every
                    other path received, since volley does not print bodies.

Paths (see ROUTES below for the full list): /ok /size/N /chunked/N
/status/N /delay/MS /echo /notype /http10 /gzip /deflate /bomb /never /drip
/stall /reset /empty /short /badchunk /garbage /bigheader /manyheaders /headers/N
/badgzip /latin1 /site/... /tree/N /grow/... /double?q=S /calendar?month=N /fan/N /leaf/N
/redirect/N /loop /to-file /to-gopher /to-host?url=U[&status=N][&ms=MS]
/cookies/N /flaky/KEY/N /retry-after/KEY/SECS /retry-after-date/KEY/SECS
/retry-after-value/KEY?value=V (the retry-after paths take ?status=N, default 429)
"""

import argparse
import email.utils
import gzip
import http
import json
import math
import os
import re
import select
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

MAX_STALL = 30.0  # upper bound for every deliberately slow handler
IDLE_TIMEOUT = 35.0  # keep-alive idle bound per connection

GZIP_PLAIN_LEN = 10000
GZIP_BODY = gzip.compress(b"a" * GZIP_PLAIN_LEN)
DEFLATE_BODY = zlib.compress(b"a" * GZIP_PLAIN_LEN)
BOMB_PLAIN_LEN = 200 * 1024 * 1024
LATIN1_BODY = b"Caf\xe9 \xfcber\n"
LATIN1_CONTENT_TYPE = b"text/html; charset=iso-8859-1; x=Caf\xe9"
# Pages for the scraping flags: name -> (Content-Type, body).
PAGES = {
    "latin1-title": (b"text/html",
                     b"<html><head><title>Caf\xe9 \xfcber</title></head><body>x</body></html>"),
    "links": (b"text/html; charset=utf-8",
              b"<html><head><base href='/dir/'><title>\n  Links &amp; more\r\n </title>"
              b"<link rel=stylesheet href='s.css'><script src='//cdn.test/app.js'></script></head><body>"
              b"<a href='a.html#top'>a</a> <a href='../up.html'>up</a> <a href='a.html'>again</a>"
              b"<a href='javascript:void(0)'>js</a> <a href='mailto:x@y.z'>mail</a>"
              b"<a href='data:text/plain,hi'>data</a> <a href='https://other.test/x?q=1#f'>abs</a>"
              b"<img src='/img.png'><iframe src='frame.html'></iframe><a>none</a></body></html>"),
    "prices": (b"text/plain", b"total: 12 EUR, tax: 3 EUR, id=abc-42\n"),
}

WEIRD_CONTENT_TYPE = b'text/plain; q="a\\b"; c=\x01\x1f\x7f; u=\xc3\xa9; t=\t!'

_bomb_lock = threading.Lock()
_bomb_cache = None


HEAVY_PAGE_GZ = zlib.compress(b"<html><body>" + b"<p><a href='/x'>x</a></p>" * 80000 + b"</body></html>",
                              9, 31)  # 2 MB of HTML, about 0.1 s for --links to parse, ~4 KB sent


def bomb_bytes():
    """gzip stream decoding to 200 MiB of zeros (~200 KB), built once."""
    global _bomb_cache
    with _bomb_lock:
        if _bomb_cache is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip wrapper
            chunk = bytes(1024 * 1024)
            parts = [comp.compress(chunk) for _ in range(BOMB_PLAIN_LEN // len(chunk))]
            parts.append(comp.flush())
            _bomb_cache = b"".join(parts)
        return _bomb_cache


class State:
    """Server-side statistics, request log and per-key counters."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}  # /flaky and /retry-after counters; survive /_reset
        self._reset_locked()

    def _reset_locked(self):
        self.inflight = 0
        self.inflight_by_host = {}
        self.inflight_by_key = {}
        self.max_inflight = 0
        self.max_inflight_by_host = {}
        self.count = 0
        self.count_by_path = {}
        self.requests = []
        self.site = {}  # /site/...: the pages a test lays out (Handler.h_site)

    def reset(self):
        with self.lock:
            inflight, by_host = self.inflight, dict(self.inflight_by_host)
            by_key = dict(self.inflight_by_key)
            self._reset_locked()
            # requests still running keep being tracked consistently
            self.inflight = inflight
            self.inflight_by_host = by_host
            self.inflight_by_key = by_key

    def begin(self, host, path, record, key=None):
        with self.lock:
            if key is not None:
                self.inflight_by_key[key] = self.inflight_by_key.get(key, 0) + 1
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
            n = self.inflight_by_host.get(host, 0) + 1
            self.inflight_by_host[host] = n
            self.max_inflight_by_host[host] = max(self.max_inflight_by_host.get(host, 0), n)
            self.count += 1
            self.count_by_path[path] = self.count_by_path.get(path, 0) + 1
            self.requests.append(record)
            if len(self.requests) > 5000:
                del self.requests[:1000]

    def end(self, host, key=None):
        with self.lock:
            if key is not None:
                n = self.inflight_by_key.get(key, 1) - 1
                if n <= 0:
                    self.inflight_by_key.pop(key, None)
                else:
                    self.inflight_by_key[key] = n
            self.inflight -= 1
            n = self.inflight_by_host.get(host, 1) - 1
            if n <= 0:
                self.inflight_by_host.pop(host, None)
            else:
                self.inflight_by_host[host] = n

    def bump(self, key):
        with self.lock:
            n = self.keys.get(key, 0) + 1
            self.keys[key] = n
            return n

    def stats(self):
        with self.lock:
            return {
                "max_inflight": self.max_inflight,
                "max_inflight_by_host": dict(self.max_inflight_by_host),
                "count": self.count,
                "count_by_path": dict(self.count_by_path),
                "inflight": self.inflight,
                "inflight_by_key": dict(self.inflight_by_key),
            }

    def request_log(self):
        with self.lock:
            return list(self.requests)


class _ClientGone(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile/1"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    # Any method (GET, POST, PUT, PATCH, DELETE, FOO...) goes to _dispatch.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, fmt, *args):
        if getattr(self.server, "verbose", False):
            sys.stderr.write("hostile: %s - %s\n" % (self.address_string(), fmt % args))

    # ------------------------------------------------------------ helpers
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                out.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(out)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _write(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (OSError, ValueError) as e:
            raise _ClientGone() from e

    def _respond(self, code, body=b"", headers=(), ctype="text/plain", length=True):
        if isinstance(body, str):
            body = body.encode()
        try:
            reason = http.HTTPStatus(code).phrase
        except ValueError:
            reason = "Whatever"
        out = [b"HTTP/1.1 %d %s" % (code, reason.encode())]
        if ctype is not None:
            out.append(b"Content-Type: " + (ctype if isinstance(ctype, bytes) else ctype.encode()))
        no_body = code in (204, 304) or 100 <= code < 200
        if length and not no_body:
            out.append(b"Content-Length: %d" % len(body))
        for k, v in headers:
            k = k if isinstance(k, bytes) else k.encode()
            v = v if isinstance(v, bytes) else str(v).encode("latin-1")
            out.append(k + b": " + v)
        if self.close_connection:
            out.append(b"Connection: close")
        data = b"\r\n".join(out) + b"\r\n\r\n"
        if self.command != "HEAD" and not no_body:
            data += body
        if length or no_body or self.command == "HEAD":
            self._done()  # the response is complete with this write
        self._write(data)

    def _wait(self, secs):
        """Sleep up to secs (capped at MAX_STALL); return True early if the
        client closed the connection or the server is stopping."""
        secs = min(secs, MAX_STALL)
        end = time.monotonic() + secs
        sock = self.connection
        peerclosed_checks = True
        while True:
            rem = end - time.monotonic()
            if rem <= 0:
                return False
            if self.server.stopping.is_set():
                return True
            step = min(rem, 0.25)
            if not peerclosed_checks:
                time.sleep(step)
                continue
            try:
                r, _, _ = select.select([sock], [], [], step)
            except (OSError, ValueError):
                return True
            if r:
                if isinstance(sock, ssl.SSLSocket):
                    return True  # no request pipelining: readable means gone
                try:
                    data = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    return True
                if not data:
                    return True
                peerclosed_checks = False  # pipelined data: just sleep

    def _hard_close(self):
        """Close the real socket now (used after setting SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.rfile.close()
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _json(self, obj, code=200):
        self._respond(code, json.dumps(obj, indent=None) + "\n", ctype="application/json")

    # ----------------------------------------------------------- dispatch
    def _dispatch(self):
        raw_path = self.path
        proxied = False
        if raw_path.lower().startswith(("http://", "https://")):
            u = urlsplit(raw_path)
            raw_path = (u.path or "/") + ("?" + u.query if u.query else "")
            proxied = True
        parts = urlsplit(raw_path)
        path, query = parts.path, parse_qs(parts.query)
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        st = self.server.state
        try:
            if path == "/_stats":
                return self._json(st.stats())
            if path == "/_reset":
                st.reset()
                return self._json({"reset": True})
            if path == "/_requests":
                return self._json(st.request_log())
        except _ClientGone:
            self.close_connection = True
            return

        host = self.headers.get("Host", "")
        record = {
            "method": self.command,
            "path": path,
            "raw_path": self.path,
            "host": host,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body[:65536].decode("utf-8", "replace"),
            "body_len": len(body),
            "proxied": proxied,
            "request_version": self.request_version,
            "t": time.monotonic(),  # arrival, for tests of pacing and back-off
        }
        key = query.get("key", [None])[0]
        st.begin(host, path, record, key)
        self._inflight_host = host
        self._inflight_key = key
        try:
            self._route(path, query, body, record)
        except _ClientGone:
            self.close_connection = True
        except (OSError, ValueError):
            self.close_connection = True
        finally:
            self._done()

    def _done(self):
        """Leave the in-flight set.  Called right BEFORE the last bytes of a
        response are written, so the client can never start its next request
        while this one still counts (that would over-report max_inflight)."""
        host = getattr(self, "_inflight_host", None)
        if host is not None:
            self._inflight_host = None
            self.server.state.end(host, getattr(self, "_inflight_key", None))

    def _route(self, path, query, body, record):
        for rx, fn in ROUTES:
            m = rx.fullmatch(path)
            if m:
                return fn(self, *m.groups(), query=query, body=body, record=record)
        return self._respond(404, "not found\n")

    # ------------------------------------------------------------- routes
    def h_ok(self, **kw):
        self._respond(200, b"hello\n", ctype="text/plain")

    def h_notype(self, **kw):
        self._respond(200, b"no content type\n", ctype=None)

    def h_size(self, n, **kw):
        n = min(int(n), 512 * 1024 * 1024)
        if n == 0 or self.command == "HEAD":
            return self._respond(200, b"", ctype="application/octet-stream")
        self._respond(200, b"", ctype="application/octet-stream", length=False,
                      headers=[("Content-Length", n)])
        chunk = b"x" * 65536
        left = n
        while left > 0:
            k = min(left, len(chunk))
            if k == left:
                self._done()
            self._write(chunk[:k])
            left -= k

    def h_chunked(self, n, **kw):
        n = min(int(n), 512 * 1024 * 1024)
        if self.command == "HEAD":
            return self._respond(200, b"", ctype="application/octet-stream")
        self._respond(200, b"", ctype="application/octet-stream", length=False,
                      headers=[("Transfer-Encoding", "chunked")])
        left = n
        while left > 0:
            k = min(left, 4096)
            self._write(b"%x\r\n" % k + b"y" * k + b"\r\n")
            left -= k
        self._done()
        self._write(b"0\r\n\r\n")

    def h_status(self, n, **kw):
        n = int(n)
        if not 200 <= n <= 599:
            return self._respond(400, "status must be 200..599\n")
        self._respond(n, b"status %d\n" % n)

    def h_delay(self, ms, **kw):
        if self._wait(int(ms) / 1000.0):
            self.close_connection = True
            return
        self._respond(200, b"delayed\n")

    def h_echo(self, query=None, body=b"", record=None, **kw):
        self._json(record)

    def h_http10(self, **kw):
        self.close_connection = True
        self._write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: 6\r\n\r\nhello\n")

    def h_gzip(self, **kw):
        self._respond(200, GZIP_BODY, headers=[("Content-Encoding", "gzip")])

    def h_deflate(self, **kw):
        self._respond(200, DEFLATE_BODY, headers=[("Content-Encoding", "deflate")])

    def h_bomb(self, **kw):
        self._respond(200, bomb_bytes(), ctype="application/octet-stream",
                      headers=[("Content-Encoding", "gzip")])

    def h_heavy(self, **kw):
        self._respond(200, HEAVY_PAGE_GZ, ctype="text/html", headers=[("Content-Encoding", "gzip")])

    def h_badgzip(self, **kw):
        self._respond(200, b"this is definitely not a gzip stream\n" * 4,
                      headers=[("Content-Encoding", "gzip")])

    def h_never(self, **kw):
        self.close_connection = True
        self._wait(MAX_STALL)

    def h_drip(self, **kw):
        self.close_connection = True
        self._respond(200, b"", length=False, headers=[("Content-Length", 1000000)])
        end = time.monotonic() + MAX_STALL
        while time.monotonic() < end:
            self._write(b"d")
            if self._wait(1.0):
                return

    def h_stall(self, **kw):
        self.close_connection = True
        self._respond(200, b"", length=False, headers=[("Content-Length", 1000)])
        self._write(b"s" * 10)
        self._wait(MAX_STALL)

    def h_reset(self, **kw):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        self._hard_close()

    def h_empty(self, **kw):
        self.close_connection = True  # socketserver then sends FIN

    def h_short(self, **kw):
        self.close_connection = True
        self._respond(200, b"", length=False, headers=[("Content-Length", 1000)])
        self._write(b"0123456789")

    def h_badchunk(self, **kw):
        self.close_connection = True
        self._write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n"
                    b"5\r\nhello\r\nZZZZ\r\nworld\r\n0\r\n\r\n")

    def h_garbage(self, **kw):
        self.close_connection = True
        self._write(b"SSH-2.0-xyz\r\n" + bytes(range(256)) * 4 + b"\r\n\r\n")

    def h_bigheader(self, **kw):
        self.close_connection = True
        self._write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (256 * 1024) +
                    b"\r\nContent-Length: 6\r\n\r\nhello\n")

    def h_manyheaders(self, **kw):
        self.close_connection = True
        lines = b"".join(b"X-H-%05d: %s\r\n" % (i, b"v" * 48) for i in range(10000))
        self._write(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 6\r\n\r\nhello\n")

    def h_headers(self, n, query=None, **kw):
        """N distinct header names x0, x1, ... in hex (at most 100,000), each with value v;
        with ?same=1, N times the one name x."""
        self.close_connection = True
        same = (query or {}).get("same") == ["1"]
        lines = b"".join(b"x:v\r\n" if same else b"x%x:v\r\n" % i  # under 300 KiB for 30,000
                         for i in range(min(int(n), 100000)))
        self._write(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 6\r\n\r\nhello\n")

    def h_cookies(self, n, **kw):
        """N Set-Cookie headers (c0=0, c1=1, ...), X-Rep twice and X-One once."""
        cookies = [("Set-Cookie", "c%d=%d" % (i, i)) for i in range(min(int(n), 100))]
        self._respond(200, b"cookies\n", headers=cookies + [("X-Rep", "1"), ("X-One", "a, b"), ("X-Rep", "2")])

    def h_latin1(self, **kw):
        self._respond(200, LATIN1_BODY, ctype=LATIN1_CONTENT_TYPE,
                      headers=[(b"X-Latin1", b"Caf\xe9 \xfcber")])

    def h_page(self, name, **kw):
        if name not in PAGES:
            return self._respond(404, "no such page\n")
        ctype, body = PAGES[name]
        self._respond(200, body, ctype=ctype)

    def h_site(self, rest, **kw):
        """A site a test lays out in state.site: raw path (query included) -> a dict with body
        (str or bytes), and optionally status (200), ctype (text/html), headers (a list of pairs)
        and etag, which a matching If-None-Match answers with 304. A key that starts with the Host
        header ("a.test:8080/site/x") is that host's page, before one for every host."""
        site = self.server.state.site
        page = site.get(self.headers.get("Host", "") + self.path, site.get(self.path))
        if page is None:
            return self._respond(404, "no such page\n")
        headers = list(page.get("headers", ()))
        etag = page.get("etag")
        if etag is not None:
            headers.append(("ETag", etag))
            if self.headers.get("If-None-Match") == etag:
                return self._respond(304, b"", headers=headers, ctype=None)
        self._respond(page.get("status", 200), page.get("body", b""), headers=headers,
                      ctype=page.get("ctype", "text/html"))

    def h_tree(self, n, query=None, **kw):
        """/tree/N?max=M&fan=F: page N (0 is the root) links to pages F*N+1 .. F*N+F up to M, with
        the same query, and carries the ETag "tN[-V]" (V: the query's v) that If-None-Match meets
        with 304; &ms=MS answers after MS milliseconds."""
        n = int(n)
        q = query or {}
        ms = int(q.get("ms", ["0"])[0])
        if ms and self._wait(ms / 1000.0):
            self.close_connection = True
            return
        top = int(q.get("max", ["14"])[0])
        fan = max(1, min(int(q.get("fan", ["2"])[0]), 1000))
        version = q.get("v", [""])[0]
        if n > top:
            return self._respond(404, "no such page\n")
        etag = '"t%d%s"' % (n, "-" + version if version else "")
        if self.headers.get("If-None-Match") == etag:
            return self._respond(304, b"", headers=[("ETag", etag)], ctype=None)
        suffix = ("?" + self.path.split("?", 1)[1]) if "?" in self.path else ""
        links = "".join('<a href="/tree/%d%s">%d</a>\n' % (c, suffix, c)
                        for c in range(fan * n + 1, fan * n + fan + 1) if c <= top)
        body = "<html><head><title>page %d</title></head><body>%s</body></html>" % (n, links)
        self._respond(200, body, headers=[("ETag", etag)], ctype="text/html")

    # Crawler traps (test_crawl_hostile): sites without end, each page generated from its URL.
    def h_grow(self, rest, **kw):
        """/grow/...: a path that grows a segment per page (/grow/x/x/x/...)."""
        self._respond(200, '<a href="x/">deeper</a>\n', ctype="text/html")

    def h_double(self, query=None, **kw):
        """/double?q=S: a query that doubles per page (S = a, aa, aaaa, ...)."""
        q = (query or {}).get("q", ["a"])[0]
        self._respond(200, '<a href="/double?q=%s">next</a>\n' % quote(q + q), ctype="text/html")

    def h_calendar(self, query=None, **kw):
        """/calendar?month=N: an endless calendar, each month linking to the one before and after."""
        n = int((query or {}).get("month", ["0"])[0])
        body = '<a href="/calendar?month=%d">prev</a> <a href="/calendar?month=%d">next</a>\n' % (n - 1, n + 1)
        self._respond(200, body, ctype="text/html")

    def h_fan(self, n, **kw):
        """/fan/N: one page of N links, to /leaf/0 .. /leaf/N-1."""
        body = "".join('<a href="/leaf/%d">%d</a>\n' % (i, i) for i in range(int(n)))
        self._respond(200, "<html><body>" + body + "</body></html>", ctype="text/html")

    def h_leaf(self, n, **kw):
        """/leaf/N: a page with no links."""
        self._respond(200, "<html><body><p>leaf %s</p></body></html>" % n, ctype="text/html")

    def h_weirdtype(self, **kw):
        # JSON-hostile but legal-ish header bytes: quote, backslash, control
        # characters, valid UTF-8 (U+00E9) -- all must survive JSON encoding.
        self._respond(200, b"weird\n", ctype=WEIRD_CONTENT_TYPE)

    def h_redirect(self, n, **kw):
        n = min(int(n), 100)
        if n <= 0:
            return self._respond(200, b"landed\n")
        self._respond(302, b"", headers=[("Location", "/redirect/%d" % (n - 1))])

    def h_loop(self, **kw):
        self._respond(302, b"", headers=[("Location", "/loop")])

    def h_to_file(self, **kw):
        self._respond(302, b"", headers=[("Location", "file:///etc/passwd")])

    def h_to_gopher(self, **kw):
        self._respond(302, b"", headers=[("Location", "gopher://127.0.0.1/")])

    # /to-host?url=U[&status=N][&ms=MS]: a redirect to U, a 302 unless N says which, MS late.
    def h_to_host(self, query=None, **kw):
        url = (query or {}).get("url", [""])[0]
        if not url:
            return self._respond(400, "missing url\n")
        time.sleep(min(int((query or {}).get("ms", ["0"])[0]), 10000) / 1000.0)
        self._respond(self._status_param(query, 302), b"", headers=[("Location", url)])

    def h_flaky(self, key, n, **kw):
        seen = self.server.state.bump("flaky/" + key)
        if seen <= int(n):
            return self._respond(503, b"try again\n")
        self._respond(200, b"finally\n")

    @staticmethod
    def _status_param(query, default=429):
        try:
            return int((query or {}).get("status", [default])[0])
        except ValueError:
            return default

    # ?status=503 makes the first answer a 503 instead of a 429.
    def h_retry_after(self, key, secs, query=None, **kw):
        seen = self.server.state.bump("retry-after/" + key)
        if seen == 1:
            return self._respond(self._status_param(query), b"slow down\n",
                                 headers=[("Retry-After", secs)])
        self._respond(200, b"thanks\n")

    def h_retry_after_date(self, key, secs, query=None, **kw):
        seen = self.server.state.bump("retry-after-date/" + key)
        if seen == 1:
            when = math.ceil(time.time() + float(secs))
            date = email.utils.formatdate(when, usegmt=True)
            return self._respond(self._status_param(query), b"slow down\n",
                                 headers=[("Retry-After", date)])
        self._respond(200, b"thanks\n")

    # /retry-after-value/KEY?value=V[&status=N]: first answer carries the raw
    # Retry-After value V (garbage, a past date, ...), then 200.
    def h_retry_after_value(self, key, query=None, **kw):
        seen = self.server.state.bump("retry-after-value/" + key)
        if seen == 1:
            value = (query or {}).get("value", [""])[0]
            return self._respond(self._status_param(query), b"slow down\n",
                                 headers=[("Retry-After", value)])
        self._respond(200, b"thanks\n")


ROUTES = [(re.compile(rx), fn) for rx, fn in [
    (r"/ok", Handler.h_ok),
    (r"/notype", Handler.h_notype),
    (r"/size/(\d+)", Handler.h_size),
    (r"/chunked/(\d+)", Handler.h_chunked),
    (r"/status/(\d+)", Handler.h_status),
    (r"/delay/(\d+)", Handler.h_delay),
    (r"/echo", Handler.h_echo),
    (r"/http10", Handler.h_http10),
    (r"/gzip", Handler.h_gzip),
    (r"/deflate", Handler.h_deflate),
    (r"/bomb", Handler.h_bomb),
    (r"/heavy", Handler.h_heavy),
    (r"/badgzip", Handler.h_badgzip),
    (r"/never", Handler.h_never),
    (r"/drip", Handler.h_drip),
    (r"/stall", Handler.h_stall),
    (r"/reset", Handler.h_reset),
    (r"/empty", Handler.h_empty),
    (r"/short", Handler.h_short),
    (r"/badchunk", Handler.h_badchunk),
    (r"/garbage", Handler.h_garbage),
    (r"/bigheader", Handler.h_bigheader),
    (r"/manyheaders", Handler.h_manyheaders),
    (r"/headers/(\d+)", Handler.h_headers),
    (r"/cookies/(\d+)", Handler.h_cookies),
    (r"/latin1", Handler.h_latin1),
    (r"/weirdtype", Handler.h_weirdtype),
    (r"/page/([\w-]+)", Handler.h_page),
    (r"/site/(.*)", Handler.h_site),
    (r"/(robots\.txt|sitemap[\w.-]*)", Handler.h_site),  # a laid-out site's own, else 404
    (r"/tree/(\d+)", Handler.h_tree),
    (r"/grow/(.*)", Handler.h_grow),
    (r"/double", Handler.h_double),
    (r"/calendar", Handler.h_calendar),
    (r"/fan/(\d+)", Handler.h_fan),
    (r"/leaf/(\d+)", Handler.h_leaf),
    (r"/redirect/(\d+)", Handler.h_redirect),
    (r"/loop", Handler.h_loop),
    (r"/to-file", Handler.h_to_file),
    (r"/to-gopher", Handler.h_to_gopher),
    (r"/to-host", Handler.h_to_host),
    (r"/flaky/([^/]+)/(\d+)", Handler.h_flaky),
    (r"/retry-after/([^/]+)/(\d+(?:\.\d+)?)", Handler.h_retry_after),
    (r"/retry-after-date/([^/]+)/(\d+(?:\.\d+)?)", Handler.h_retry_after_date),
    (r"/retry-after-value/([^/]+)", Handler.h_retry_after_value),
]]


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, port=0, tls_ctx=None, verbose=False):
        self.tls_ctx = tls_ctx
        self.verbose = verbose
        self.state = State()
        self.stopping = threading.Event()
        self._thread = None
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def port(self):
        return self.server_address[1]

    def finish_request(self, request, client_address):
        # Runs in the per-connection thread: do the TLS handshake here so a
        # slow or failing client never blocks the accept loop.
        if self.tls_ctx is None:
            return super().finish_request(request, client_address)
        request.settimeout(10)
        try:
            tls_sock = self.tls_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(tls_sock, client_address, self)
        finally:
            try:
                tls_sock.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)

    def shutdown(self):
        """Stop serving, wake stalled handlers and close the listening socket."""
        self.stopping.set()
        if self._thread is not None:
            super().shutdown()
            self._thread.join(5)
        self.server_close()


def make_tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def start_server(tls=None, port=0, verbose=False):
    """Start a server in a daemon thread.  tls: None, an ssl.SSLContext or a
    (certfile, keyfile) pair.  Returns (server, port); call server.shutdown()."""
    if tls is not None and not isinstance(tls, ssl.SSLContext):
        tls = make_tls_context(*tls)
    server = HostileServer(port=port, tls_ctx=tls, verbose=verbose)
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                         name="hostile-server-%d" % server.port, daemon=True)
    server._thread = t
    t.start()
    return server, server.port


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    server, port = start_server(tls=tls, port=args.port, verbose=args.verbose)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    else:
        print(port, flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
