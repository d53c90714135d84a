#!/usr/bin/env python3
"""Retry policy: which failures are retried, how many attempts, delays and
Retry-After.  Attempts are checked both in volley's output and on the server."""

import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

FAST = ("--retry-delay", "0.01", "--retry-max-delay", "0.05")


class TestRetries(VolleyTestCase):
    def test_flaky_once_default_retries(self):
        k = self.key()
        o = self.volley("-q", self.url("/flaky/%s/1" % k), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertEqual(self.path_count("/flaky/%s/1" % k), 2)

    def test_flaky_exhausted_gives_last_status_not_error(self):
        k = self.key()
        o = self.volley("-q", "--retries", "2", self.url("/flaky/%s/5" % k), rc=0).one()
        self.assertOk(o, status=503)
        self.assertEqual(o["attempts"], 3)
        self.assertEqual(self.path_count("/flaky/%s/5" % k), 3)

    def test_default_retries_is_2(self):
        k = self.key()
        o = self.volley("-q", *FAST, self.url("/flaky/%s/10" % k), rc=0).one()
        self.assertOk(o, status=503)
        self.assertEqual(o["attempts"], 3)
        self.assertEqual(self.path_count("/flaky/%s/10" % k), 3)

    def test_retries_0_means_one_attempt(self):
        k = self.key()
        o = self.volley("-q", "--retries", "0", self.url("/flaky/%s/1" % k), rc=0).one()
        self.assertOk(o, status=503)
        self.assertEqual(o["attempts"], 1)
        self.assertEqual(self.path_count("/flaky/%s/1" % k), 1)

    def test_retries_5(self):
        k = self.key()
        o = self.volley("-q", "--retries", "5", *FAST, self.url("/flaky/%s/4" % k), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 5)

    def test_retried_statuses(self):
        codes = [408, 429, 500, 502, 503, 504]
        urls = [self.url("/status/%d" % c) for c in codes]
        r = self.volley("-q", "--retries", "1", *FAST, *urls, rc=0)
        got = r.by_url()
        for c, u in zip(codes, urls):
            with self.subTest(status=c):
                self.assertOk(got[u], status=c)
                self.assertEqual(got[u]["attempts"], 2)
                self.assertEqual(self.path_count("/status/%d" % c), 2)

    def test_not_retried_statuses(self):
        codes = [200, 301, 400, 401, 403, 404, 410, 501, 505]
        urls = [self.url("/status/%d" % c) for c in codes]
        r = self.volley("-q", "--max-redirects", "0", *FAST, *urls, rc=0)
        got = r.by_url()
        for c, u in zip(codes, urls):
            with self.subTest(status=c):
                self.assertOk(got[u], status=c)
                self.assertEqual(got[u]["attempts"], 1)
                self.assertEqual(self.path_count("/status/%d" % c), 1)

    def test_connect_error_retried(self):
        u = "http://127.0.0.1:%d/" % harness.closed_port()
        o = self.volley("-q", "--retries", "2", *FAST, u, rc=1).one()
        self.assertErrorKind(o, "connect")
        self.assertEqual(o["attempts"], 3)

    def test_timeout_retried(self):
        o = self.volley("-q", "--retries", "1", "--timeout", "1", *FAST, self.url("/never"),
                        rc=1).one()
        self.assertErrorKind(o, "timeout")
        self.assertEqual(o["attempts"], 2)
        self.assertEqual(self.path_count("/never"), 2)

    def test_connection_errors_retried(self):
        r = self.volley("-q", "--retries", "1", *FAST, self.url("/empty"), self.url("/reset"),
                        rc=1)
        for p in ("/empty", "/reset"):
            with self.subTest(path=p):
                o = r.by_url()[self.url(p)]
                self.assertErrorKind(o, "connection")
                self.assertEqual(o["attempts"], 2)
                self.assertEqual(self.path_count(p), 2)

    def test_default_retries_on_connection_error(self):
        o = self.volley("-q", *FAST, self.url("/empty"), rc=1).one()
        self.assertErrorKind(o, "connection")
        self.assertEqual(o["attempts"], 3)
        self.assertEqual(self.path_count("/empty"), 3)

    def test_other_errors_not_retried(self):
        expected = {"/garbage": "protocol", "/badchunk": "protocol", "/short": "partial",
                    "/loop": "too_many_redirects", "/to-file": "redirect_blocked"}
        r = self.volley("-q", "--retries", "3", *FAST, *[self.url(p) for p in expected], rc=1)
        got = r.by_url()
        for p, kind in expected.items():
            with self.subTest(path=p):
                self.assertErrorKind(got[self.url(p)], kind)
                self.assertEqual(got[self.url(p)]["attempts"], 1)
        for p in ("/garbage", "/badchunk", "/short", "/to-file"):
            self.assertEqual(self.path_count(p), 1, p)
        self.assertLessEqual(self.path_count("/loop"), 12)

    def test_body_too_large_not_retried(self):
        o = self.volley("-q", "--retries", "3", *FAST, "--max-body", "1k",
                        self.url("/size/5000"), rc=1).one()
        self.assertErrorKind(o, "body_too_large")
        self.assertEqual(o["attempts"], 1)
        self.assertEqual(self.path_count("/size/5000"), 1)

    def test_retry_delay_is_waited(self):
        # volley jitters the backoff within [delay/2, delay]: a 2 s delay waits >= 1 s
        k = self.key()
        r = self.volley("-q", "--retry-delay", "2", self.url("/flaky/%s/1" % k), rc=0)
        self.assertOk(r.one())
        self.assertEqual(r.one()["attempts"], 2)
        self.assertGreaterEqual(r.elapsed, 0.95)
        self.assertLess(r.elapsed, 15)

    def test_retry_max_delay_caps_backoff(self):
        k = self.key()
        r = self.volley("-q", "--retry-delay", "20", "--retry-max-delay", "0.2",
                        self.url("/flaky/%s/1" % k), rc=0, timeout=30)
        self.assertOk(r.one())
        self.assertLess(r.elapsed, 5, "--retry-max-delay 0.2 must cap a 20 s retry delay")

    def test_retry_after_seconds_honoured(self):
        k = self.key()
        r = self.volley("-q", *FAST[:2], self.url("/retry-after/%s/1" % k), rc=0)
        o = r.one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertEqual(self.path_count("/retry-after/%s/1" % k), 2)
        self.assertGreaterEqual(r.elapsed, 0.9, "Retry-After: 1 must be waited")

    def test_retry_after_capped_by_retry_max_delay(self):
        k = self.key()
        r = self.volley("-q", "--retry-delay", "0.01", "--retry-max-delay", "0.1",
                        self.url("/retry-after/%s/5" % k), rc=0, timeout=30)
        o = r.one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertLess(r.elapsed, 3, "Retry-After 5 capped at 0.1 s")

    def test_retry_after_http_date(self):
        k = self.key()
        r = self.volley("-q", *FAST[:2], self.url("/retry-after-date/%s/2" % k), rc=0)
        o = r.one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertGreaterEqual(r.elapsed, 0.9, "Retry-After as HTTP-date (>= 2 s away)")
        self.assertLess(r.elapsed, 20)

    def test_retry_after_on_503(self):
        k = self.key()
        r = self.volley("-q", *FAST[:2], self.url("/retry-after/%s/1?status=503" % k), rc=0)
        o = r.one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertGreaterEqual(r.elapsed, 0.9, "Retry-After on a 503 must be waited too")

    def test_retry_after_not_waited_when_no_retry_left(self):
        k = self.key()
        r = self.volley("-q", "--retries", "0", self.url("/retry-after/%s/5" % k), rc=0,
                        timeout=30)
        o = r.one()
        self.assertOk(o, status=429)
        self.assertEqual(o["attempts"], 1)
        self.assertLess(r.elapsed, 3, "no retry left: nothing to wait for")

    def test_retry_after_garbage_or_past_falls_back(self):
        values = {"soon": "garbage", "-5": "negative",
                  "Thu, 01 Jan 1970 00:00:00 GMT": "past date",
                  "99999999999999999999999": "overflow"}
        for value, what in values.items():
            with self.subTest(value=what):
                k = self.key()
                u = self.url("/retry-after-value/%s?value=%s" % (k, quote(value)))
                r = self.volley("-q", "--retry-delay", "0.01", "--retry-max-delay", "1", u,
                                rc=0, timeout=30)
                o = r.one()
                self.assertOk(o)
                self.assertEqual(o["attempts"], 2)
                self.assertLess(r.elapsed, 5)

    def test_independent_urls_retry_independently(self):
        k1, k2 = self.key(), self.key()
        u1, u2, u3 = (self.url("/flaky/%s/1" % k1), self.url("/flaky/%s/2" % k2),
                      self.url("/ok"))
        r = self.volley("-q", *FAST, u1, u2, u3, rc=0)
        got = r.by_url()
        self.assertEqual([got[u]["attempts"] for u in (u1, u2, u3)], [2, 3, 1])
        self.assertTrue(all(got[u]["status"] == 200 for u in (u1, u2, u3)))


if __name__ == "__main__":
    harness.main()
