#!/usr/bin/env python3
"""Hostile servers and bad input -> the right error kind, promptly."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestErrorKinds(VolleyTestCase):
    def check_kinds(self, expected, *extra_args, timeout=60, attempts=1):
        """expected: {url: kind}; one volley run, --retries 0."""
        urls = list(expected)
        r = self.volley("-q", "--retries", "0", *extra_args, *urls, timeout=timeout, rc=1)
        got = r.by_url()
        self.assertEqual(sorted(got), sorted(urls), r.describe())
        for u, kind in expected.items():
            with self.subTest(url=u[:120]):
                self.assertErrorKind(got[u], kind)
                self.assertEqual(got[u]["attempts"], attempts, got[u])
        return r, got

    def test_invalid_url(self):
        _, got = self.check_kinds({"http://": "invalid_url", "http://[::1": "invalid_url",
                                   "http://exa mple.com/": "invalid_url"},
                                  attempts=0)  # rejected before any try
        for o in got.values():
            self.assertIsNone(o["status"])
        self.assertEqual(self.stats()["count"], 0)

    def test_unsupported_scheme(self):
        _, got = self.check_kinds({
            "ftp://127.0.0.1:%d/file" % self.port: "unsupported_scheme",
            "file:///etc/passwd": "unsupported_scheme",
            "gopher://127.0.0.1:%d/" % self.port: "unsupported_scheme",
        }, attempts=0)
        for o in got.values():
            self.assertIsNone(o["status"])
            self.assertEqual(o["size"], 0)
        self.assertEqual(self.stats()["count"], 0)

    def test_dns(self):
        r, got = self.check_kinds({"http://volley-nonexistent.invalid/": "dns"})
        self.assertIsNone(got["http://volley-nonexistent.invalid/"]["status"])
        self.assertLess(r.elapsed, 20)

    def test_connect_refused(self):
        u = "http://127.0.0.1:%d/" % harness.closed_port()
        r, got = self.check_kinds({u: "connect"})
        self.assertIsNone(got[u]["status"])
        self.assertIsNone(got[u]["http_version"])
        self.assertLess(r.elapsed, 10)

    def test_timeout_never_answers(self):
        r, got = self.check_kinds({self.url("/never"): "timeout"}, "--timeout", "1")
        self.assertIsNone(got[self.url("/never")]["status"])
        self.assertLess(r.elapsed, 10, "a 1 s --timeout must not hang")
        self.assertGreaterEqual(r.elapsed, 0.9)

    def test_timeout_drip(self):
        r, _ = self.check_kinds({self.url("/drip"): "timeout"}, "--timeout", "2")
        self.assertLess(r.elapsed, 10)
        self.assertGreaterEqual(r.elapsed, 1.9)

    def test_stall_timeout(self):
        r, _ = self.check_kinds({self.url("/stall"): "timeout"},
                                "--stall-timeout", "1", "--timeout", "30")
        self.assertLess(r.elapsed, 10, "--stall-timeout 1 must end a stalled transfer")

    def test_connect_timeout(self):
        hole = harness.BlackholeListener()
        self.addCleanup(hole.close)
        u = "http://127.0.0.1:%d/" % hole.port
        r = self.volley("-q", "--retries", "0", "--connect-timeout", "1", "--timeout", "30",
                        u, rc=1)
        self.assertErrorKind(r.one(), "timeout")
        self.assertLess(r.elapsed, 10, "--connect-timeout 1 must not hang")

    def test_body_too_large(self):
        urls = {self.url("/size/5000"): "1k", self.url("/chunked/5000"): "1k",
                self.url("/gzip"): "5k"}
        for u, limit in urls.items():
            with self.subTest(url=u):
                o = self.volley("-q", "--retries", "0", "--max-body", limit, u, rc=1).one()
                self.assertErrorKind(o, "body_too_large")
                self.assertEqual(o["attempts"], 1)

    def test_body_under_limit_ok(self):
        r = self.volley("-q", "--max-body", "1k", self.url("/size/900"), self.url("/chunked/900"),
                        rc=0)
        for o in r.lines:
            self.assertOk(o)
            self.assertEqual(o["size"], 900)

    def test_max_body_mega_suffix(self):
        r = self.volley("-q", "--retries", "0", "--max-body", "2M",
                        self.url("/size/1500000"), self.url("/size/2500000"), rc=1)
        got = r.by_url()
        self.assertOk(got[self.url("/size/1500000")])
        self.assertEqual(got[self.url("/size/1500000")]["size"], 1500000)
        self.assertErrorKind(got[self.url("/size/2500000")], "body_too_large")

    def test_default_max_body_is_10M(self):
        r = self.volley("-q", "--retries", "0", self.url("/size/9000000"),
                        self.url("/size/11000000"), rc=1)
        got = r.by_url()
        self.assertOk(got[self.url("/size/9000000")])
        self.assertErrorKind(got[self.url("/size/11000000")], "body_too_large")

    def test_gzip_bomb_stopped_quickly(self):
        r = self.volley("-q", "--retries", "0", self.url("/bomb"), rc=1, timeout=30)
        self.assertErrorKind(r.one(), "body_too_large")
        self.assertLess(r.elapsed, 10, "decoding must stop at --max-body, not at 200 MiB")

    def test_connection_errors(self):
        self.check_kinds({self.url("/reset"): "connection", self.url("/empty"): "connection"})

    def test_partial(self):
        _, got = self.check_kinds({self.url("/short"): "partial"})
        self.assertEqual(got[self.url("/short")]["status"], 200)

    def test_protocol_errors(self):
        paths = ["/badchunk", "/garbage", "/bigheader", "/manyheaders", "/badgzip"]
        self.check_kinds({self.url(p): "protocol" for p in paths})

    def test_protocol_error_on_a_handle_that_failed_before(self):
        # libcurl keeps a pooled handle's last OS errno: a refused connect first must not turn
        # the bad chunking that follows on the same handle into a (retried) connection error.
        refused = "http://127.0.0.1:%d/" % harness.closed_port()
        out = self.volley("-q", "-c", "1", "--retries", "0", refused, self.url("/badchunk"), rc=1).by_url()
        self.assertErrorKind(out[refused], "connect")
        self.assertErrorKind(out[self.url("/badchunk")], "protocol")
        self.assertEqual(out[self.url("/badchunk")]["attempts"], 1)

    def test_error_lines_do_not_stop_other_urls(self):
        urls = [self.url("/ok"), self.url("/reset"), self.url("/size/7"), "ftp://x/",
                self.url("/garbage"), self.url("/status/500")]
        r = self.volley("-q", "--retries", "0", *urls, rc=1)
        lines = r.by_seq()
        self.assertEqual([o["url"] for o in lines], urls)
        self.assertOk(lines[0])
        self.assertOk(lines[2])
        self.assertEqual(lines[2]["size"], 7)
        self.assertOk(lines[5], status=500)
        self.assertEqual([o["error"]["kind"] for o in (lines[1], lines[3], lines[4])],
                         ["connection", "unsupported_scheme", "protocol"])

    def test_all_hostile_at_once_no_hang(self):
        paths = ["/never", "/drip", "/stall", "/reset", "/empty", "/short", "/badchunk",
                 "/garbage", "/bigheader", "/manyheaders", "/badgzip", "/bomb", "/ok"]
        r = self.volley("-q", "--retries", "0", "--timeout", "2", "--stall-timeout", "2",
                        *[self.url(p) for p in paths], rc=1, timeout=30)
        self.assertEqual(len(r.lines), len(paths))
        self.assertLess(r.elapsed, 15)
        got = r.by_url()
        self.assertOk(got[self.url("/ok")])
        for p in paths[:-1]:
            self.assertIsNotNone(got[self.url(p)]["error"], p)


if __name__ == "__main__":
    harness.main()
