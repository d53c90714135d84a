#!/usr/bin/env python3
"""Redirect following, limits, blocked schemes, credentials across hosts."""

import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestRedirects(VolleyTestCase):
    def test_follow_three(self):
        u = self.url("/redirect/3")
        o = self.volley("-q", u, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["redirects"], 3)
        self.assertEqual(o["final_url"], self.url("/redirect/0"))
        self.assertEqual(o["url"], u)
        self.assertEqual(o["size"], len("landed\n"))
        self.assertEqual(o["attempts"], 1)
        for n in range(4):
            self.assertEqual(self.path_count("/redirect/%d" % n), 1)

    def test_max_redirects_0_does_not_follow(self):
        u = self.url("/redirect/3")
        o = self.volley("-q", "--max-redirects", "0", u, rc=0).one()
        self.assertOk(o, status=302)
        self.assertEqual(o["redirects"], 0)
        self.assertEqual(o["final_url"], u)
        self.assertEqual(self.path_count("/redirect/2"), 0)

    def test_max_redirects_exceeded(self):
        o = self.volley("-q", "--max-redirects", "2", self.url("/redirect/3"), rc=1).one()
        self.assertErrorKind(o, "too_many_redirects")
        self.assertEqual(self.path_count("/redirect/0"), 0)

    def test_max_redirects_exact_limit(self):
        o = self.volley("-q", "--max-redirects", "3", self.url("/redirect/3"), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["redirects"], 3)

    def test_default_limit_is_10(self):
        r = self.volley("-q", self.url("/redirect/10"), self.url("/redirect/11"), rc=1)
        got = r.by_url()
        self.assertOk(got[self.url("/redirect/10")])
        self.assertEqual(got[self.url("/redirect/10")]["redirects"], 10)
        self.assertErrorKind(got[self.url("/redirect/11")], "too_many_redirects")

    def test_loop(self):
        r = self.volley("-q", self.url("/loop"), rc=1, timeout=30)
        o = r.one()
        self.assertErrorKind(o, "too_many_redirects")
        self.assertEqual(o["attempts"], 1)
        self.assertLessEqual(self.path_count("/loop"), 12)
        self.assertGreaterEqual(self.path_count("/loop"), 10)

    def test_blocked_schemes(self):
        r = self.volley("-q", self.url("/to-file"), self.url("/to-gopher"), rc=1)
        for p in ("/to-file", "/to-gopher"):
            with self.subTest(path=p):
                o = r.by_url()[self.url(p)]
                self.assertErrorKind(o, "redirect_blocked")
                self.assertEqual(o["size"], 0, "nothing may be read from the target")

    def test_cross_host_redirect_drops_authorization(self):
        target = "http://other.test:%d/echo" % self.port
        u = self.url("/to-host?url=" + quote(target, safe=""))
        o = self.volley("-q", "--resolve", "other.test:%d:127.0.0.1" % self.port,
                        "-H", "Authorization: Bearer s3cret", "-H", "X-Keep: 1", u, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["redirects"], 1)
        self.assertEqual(o["final_url"], target)
        first = self.requests_seen(path="/to-host")
        second = self.requests_seen(path="/echo")
        self.assertEqual(len(first), 1)
        self.assertEqual(len(second), 1)
        hdr1 = {k.lower(): v for k, v in first[0]["headers"]}
        hdr2 = {k.lower(): v for k, v in second[0]["headers"]}
        self.assertEqual(hdr1.get("authorization"), "Bearer s3cret",
                         "the first host must get the header")
        self.assertEqual(second[0]["host"], "other.test:%d" % self.port)
        self.assertNotIn("authorization", hdr2, "Authorization leaked to another host")

    def test_same_host_redirect_keeps_custom_headers(self):
        self.volley("-q", "-H", "X-Custom: yes", self.url("/redirect/1"), rc=0)
        for p in ("/redirect/1", "/redirect/0"):
            rec = self.requests_seen(path=p)[0]
            self.assertIn(["X-Custom", "yes"], rec["headers"], p)

    def to(self, target, status=302, ms=0):
        return self.url("/to-host?url=%s&status=%d&ms=%d" % (quote(target, safe=""), status, ms))

    def test_method_after_a_hop_follows_rfc_9110(self):
        # 301/302 turn a POST into a GET, 303 anything but HEAD; 307/308 repeat it, body and all.
        cases = [("-d", 301, "GET", 0), ("-d", 302, "GET", 0), ("-d", 303, "GET", 0),
                 ("-d", 307, "POST", 3), ("-d", 308, "POST", 3),
                 ("PUT", 302, "PUT", 3), ("PUT", 307, "PUT", 3), ("PUT", 303, "GET", 0),
                 ("HEAD", 303, "HEAD", 0), ("HEAD", 301, "HEAD", 0)]
        for how, status, method, body_len in cases:
            with self.subTest(how=how, status=status):
                self.srv.state.reset()
                args = ["-d", "x=1"] if how == "-d" else ["-X", how] + (["-d", "x=1"] if how == "PUT" else [])
                o = self.volley("-q", *args, self.to(self.url("/echo"), status), rc=0).one()
                self.assertOk(o)
                self.assertEqual(o["redirects"], 1)
                hop = self.requests_seen(path="/echo")
                self.assertEqual([(r["method"], r["body_len"]) for r in hop], [(method, body_len)])

    def test_timeout_covers_the_whole_chain_and_elapsed_every_hop(self):
        chain = self.to(self.to(self.url("/ok"), ms=600), ms=600)
        o = self.volley("-q", "--retries", "0", "--timeout", "1", chain, rc=1).one()
        self.assertErrorKind(o, "timeout")
        self.assertEqual(o["redirects"], 1)
        o = self.volley("-q", "--timeout", "2", chain, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["redirects"], 2)
        self.assertEqual(o["attempts"], 1)
        self.assertGreaterEqual(o["elapsed"], 1.2)
        self.assertLess(o["time"]["total"], 0.5, "time is the last hop's")

    def test_redirect_to_closed_port_is_connect_error(self):
        target = "http://127.0.0.1:%d/" % harness.closed_port()
        u = self.url("/to-host?url=" + quote(target, safe=""))
        o = self.volley("-q", "--retries", "0", u, rc=1).one()
        self.assertErrorKind(o, "connect")

    def test_a_hop_to_a_host_given_up_keeps_its_attempt(self):
        # -c 1: the dead host is given up before the redirect to it is followed, so the hop ends
        # without a request; the URL was still requested once.
        dead = "http://127.0.0.1:%d/" % harness.closed_port()
        hop = self.url("/to-host?url=" + quote(dead, safe=""))
        lines = self.volley("-q", "-c", "1", "--retries", "0", "--host-errors", "1", dead, hop, rc=1).by_url()
        o = lines[hop]
        self.assertErrorKind(o, "host_unreachable")
        self.assertEqual(o["redirects"], 1)
        self.assertEqual(o["attempts"], 1)


if __name__ == "__main__":
    harness.main()
