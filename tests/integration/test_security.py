#!/usr/bin/env python3
"""Hostile input (issue 8, items 1-3 and 17): what a request object or a flag may put on the
wire, what volley echoes back, and meta copied byte for byte.

A raw capture server records the exact bytes each connection carried, so a test can prove that
nothing injected was sent; one on 127.0.0.2 plays "another host" for redirects."""

import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

SECRET = "s3cr3t-t0ken"


class CaptureServer:
    """Accepts TCP connections on `host`, answers the first request head on each with a small
    200 and Connection: close, and keeps every byte the client sent until it closes."""

    RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"

    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.connections = []  # bytes received, one entry per finished connection
        self.open = 0
        self.t = threading.Thread(target=self._accept, daemon=True)
        self.t.start()

    def url(self, path):
        return "http://%s:%d%s" % (self.host, self.port, path)

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.open += 1
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        got = b""
        answered = False
        c.settimeout(10)
        try:
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                got += chunk
                if not answered and b"\r\n\r\n" in got:
                    c.sendall(self.RESPONSE)
                    answered = True
        except OSError:
            pass
        finally:
            c.close()
            with self.lock:
                self.connections.append(got)
                self.open -= 1

    def received(self, timeout=10):
        """Every connection's bytes, once none is open any more (bounded wait)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if self.open == 0:
                    return list(self.connections)
            time.sleep(0.02)
        raise AssertionError("capture server still has open connections after %ss" % timeout)

    def close(self):
        self.sock.close()


class SecurityCase(VolleyTestCase):
    def capture(self, host="127.0.0.1"):
        try:
            srv = CaptureServer(host)
        except OSError as e:
            self.skipTest("cannot listen on %s: %s" % (host, e))
        self.addCleanup(srv.close)
        return srv

    def objects(self, *objs):
        return ("\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n").encode()


class TestMethodValidation(SecurityCase):
    """Item 1: a method is an RFC 9110 token of at most 32 characters."""

    def test_smuggling_method_is_invalid_input_and_nothing_is_sent(self):
        cap = self.capture()
        evil = "GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\nGET"
        r = self.volley("-q", "-c", "1", input=self.objects(
            {"url": cap.url("/echo"), "method": evil}, cap.url("/after")), rc=1)
        out = r.by_seq()
        self.assertErrorKind(out[0], "invalid_input")
        self.assertEqual(out[0]["url"], cap.url("/echo"))
        self.assertEqual(out[0]["attempts"], 0)
        self.assertOk(out[1])
        seen = cap.received()
        self.assertEqual(len(seen), 1, "only the valid URL may reach the server: %r" % seen)
        self.assertTrue(seen[0].startswith(b"GET /after HTTP/1.1\r\n"), seen[0])
        self.assertNotIn(b"smuggled", seen[0])
        self.assertNotIn(b"evil", seen[0])

    def test_methods_that_are_not_tokens(self):
        cap = self.capture()
        bad = ["GET /x", "GET\t", "G\x00T", "", "GÉT", "A" * 33, "(GET)", "G:T"]
        r = self.volley("-q", input=self.objects(*[{"url": cap.url("/m"), "method": m} for m in bad]), rc=1)
        self.assertEqual(len(r.lines), len(bad))
        for o in r.lines:
            self.assertErrorKind(o, "invalid_input")
            self.assertIn("method", o["error"]["message"])
        self.assertEqual(cap.received(), [])

    def test_unusual_token_methods_are_sent(self):
        r = self.volley("-q", input=self.objects(
            {"url": self.url("/echo"), "method": "M-SEARCH"},
            {"url": self.url("/echo"), "method": "A" * 32}), rc=0)
        self.assertEqual(len(r.lines), 2)
        self.assertEqual(sorted(rec["method"] for rec in self.requests_seen(path="/echo")),
                         ["A" * 32, "M-SEARCH"])

    def test_bad_dash_x_is_a_usage_error_and_nothing_is_sent(self):
        cap = self.capture()
        for m in ["GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\nGET", "GET ", "", "A" * 33]:
            r = self.volley("-X", m, cap.url("/x"), rc=2, parse=False)
            self.assertEqual(r.stdout, b"")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("method", r.stderr)
        self.assertEqual(cap.received(), [])


class TestHeaderValidation(SecurityCase):
    """Item 2: header names are tokens, values hold no control character but tab."""

    def test_untrimmed_authorization_name_is_refused_not_leaked_on_redirect(self):
        other = self.capture("127.0.0.2")
        target = other.url("/landing")
        lines = [{"url": self.url("/to-host?url=" + target), "headers": {name: "Bearer " + SECRET}}
                 for name in ("Authorization ", "AUTHORIZATION\t")]
        r = self.volley("-q", input=self.objects(*lines), rc=1)
        self.assertEqual(len(r.lines), 2)
        for o in r.lines:
            self.assertErrorKind(o, "invalid_input")
        self.assertNotIn(SECRET.encode(), r.stdout)
        self.assertEqual(self.requests_seen(), [])
        self.assertEqual(other.received(), [])

    def test_valid_authorization_is_not_sent_to_another_host(self):
        other = self.capture("127.0.0.2")
        line = {"url": self.url("/to-host?url=" + other.url("/landing")),
                "headers": {"Authorization": "Bearer " + SECRET, "X-Keep": "1"}}
        o = self.volley("-q", input=self.objects(line), rc=0).one()
        self.assertOk(o)
        self.assertEqual(self.header(self.requests_seen(path="/to-host")[0], "Authorization"),
                         "Bearer " + SECRET)
        seen = other.received()
        self.assertEqual(len(seen), 1)
        self.assertIn(b"X-Keep: 1\r\n", seen[0])
        self.assertNotIn(SECRET.encode(), seen[0])

    def test_bad_names_and_values_in_request_objects(self):
        u = self.url("/echo")
        bad = [
            {"url": u, "headers": {"": "x"}},
            {"url": u, "headers": {"X-A": "a\x0bb"}},
            {"url": u, "headers": {"X-A": "a\x00b"}},
            {"url": u, "headers": {"X-A": "a\x7fb"}},
            {"url": u, "headers": {"X-A": "a\r\nX-Injected: 1"}},
            {"url": u, "headers": {"X A": "1"}},
            {"url": u, "headers": {"X:A": "1"}},
            {"url": u, "headers": [": empty name"]},
            {"url": u, "headers": ["X-A : 1"]},
            {"url": u, "headers": ["X-A: a\x0bb"]},
            {"url": u, "headers": ["no colon"]},
        ]
        r = self.volley("-q", input=self.objects(*bad), rc=1)
        self.assertEqual(len(r.lines), len(bad))
        for o in r.by_seq():
            self.assertErrorKind(o, "invalid_input", "line %d" % o["seq"])
        self.assertEqual(self.requests_seen(), [])

    def test_tab_and_non_ascii_in_values_are_fine(self):
        line = {"url": self.url("/echo"), "headers": {"X-Tab": "a\tb", "X-Utf8": "caf\u00e9"}}
        self.assertOk(self.volley("-q", input=self.objects(line), rc=0).one())
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(self.header(rec, "X-Tab"), "a\tb")

    def test_bad_dash_h_is_a_usage_error_and_nothing_is_sent(self):
        cap = self.capture()
        for h in ["Authorization : x", "X-A: a\x0bb", ": v", "X-A: a\x7f", "no colon", "X A: 1",
                  "X-A: a\rX-B: b"]:
            r = self.volley("-H", h, cap.url("/x"), rc=2, parse=False)
            self.assertEqual(r.stdout, b"")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("header", r.stderr)
        self.assertEqual(cap.received(), [])

    def test_curl_forms_of_dash_h_keep_working(self):
        # "Name;" sends an empty header, "Name:" removes one libcurl would add.
        cap = self.capture()
        self.volley("-q", "-H", "X-Empty;", "-H", "Accept:", "-H", "X-Tab: a\tb", cap.url("/x"), rc=0)
        seen = cap.received()
        self.assertEqual(len(seen), 1)
        self.assertIn(b"\r\nX-Empty:\r\n", seen[0])
        self.assertNotIn(b"\r\nAccept:", seen[0])
        self.assertIn(b"\r\nX-Tab: a\tb\r\n", seen[0])


class TestNoSecretsEchoed(SecurityCase):
    """Item 3: an invalid line is reported by its url and meta, never echoed whole."""

    def test_invalid_object_reports_its_url_and_meta_not_its_headers(self):
        line = {"url": self.url("/echo"), "method": "GET /x", "headers": {"Authorization": SECRET},
                "meta": {"id": 12345678901234567890123, "tag": "t"}}
        r = self.volley("-q", input=self.objects(line), rc=1)
        o = r.one()
        self.assertErrorKind(o, "invalid_input")
        self.assertEqual(o["url"], self.url("/echo"))
        self.assertEqual(o["meta"], {"id": 12345678901234567890123, "tag": "t"})
        self.assertNotIn(SECRET.encode(), r.stdout)
        self.assertEqual(self.requests_seen(), [])

    def test_unknown_key_keeps_url_and_meta(self):
        line = '{"url": "%s", "metod": "GET", "headers": {"Cookie": "%s"}, "meta": [1, 2]}' % (
            self.url("/echo"), SECRET)
        r = self.volley("-q", input=self.objects(line), rc=1)
        o = r.one()
        self.assertErrorKind(o, "invalid_input")
        self.assertEqual(o["url"], self.url("/echo"))
        self.assertEqual(o["meta"], [1, 2])
        self.assertNotIn(SECRET.encode(), r.stdout)

    def test_unparseable_line_is_echoed_cut_at_2_kib(self):
        line = '{"url": "%s", "headers": {"X": "%s"}, oops' % (self.url("/echo"), "z" * 4000 + SECRET)
        r = self.volley("-q", input=self.objects(line), rc=1)
        o = r.one()
        self.assertErrorKind(o, "invalid_input")
        self.assertEqual(o["url"], line[:2048])
        self.assertNotIn(SECRET.encode(), r.stdout)

    def test_cut_does_not_split_a_utf8_character(self):
        line = '{"url":' + "é" * 1500  # 7 ASCII bytes first: byte 2048 is inside an é
        o = self.volley("-q", input=self.objects(line), rc=1).one()
        self.assertEqual(o["url"], line.encode()[:2047].decode())

    def test_password_in_userinfo_is_hidden_in_final_url(self):
        u = "http://user:%s@127.0.0.1:%d/ok" % (SECRET, self.port)
        o = self.volley("-q", u, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], u, "url stays as read, so joins work")
        self.assertEqual(o["final_url"], "http://user:***@127.0.0.1:%d/ok" % self.port)

    def test_password_after_redirect_is_hidden(self):
        dest = "http://u:%s@127.0.0.1:%d/ok" % (SECRET, self.port)
        o = self.volley("-q", self.url("/to-host?url=" + dest), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["final_url"], "http://u:***@127.0.0.1:%d/ok" % self.port)

    def test_password_is_hidden_in_verbose_log(self):
        u = "http://user:%s@127.0.0.1:%d/ok" % (SECRET, self.port)
        r = self.volley("-v", u, rc=0)
        self.assertIn("start #1", r.stderr)
        self.assertIn("user:***@", r.stderr)
        self.assertNotIn(SECRET, r.stderr)


class TestMetaVerbatim(SecurityCase):
    """Item 17: meta is copied byte for byte, insignificant whitespace aside."""

    META_TEXT = '{"big": 12345678901234567890123, "e": 1E2, "huge": 1e400, "neg": -0.0, "f": 1.50, ' \
                '"s": "caf\\u00e9 \\"q\\" \u00e9", "a": [ 1 , {"x" : null} ], "t": true}'
    META_MIN = '{"big":12345678901234567890123,"e":1E2,"huge":1e400,"neg":-0.0,"f":1.50,' \
               '"s":"caf\\u00e9 \\"q\\" \u00e9","a":[1,{"x":null}],"t":true}'

    def test_meta_numbers_survive_unchanged(self):
        line = '{"url": "%s", "meta": %s}' % (self.url("/ok"), self.META_TEXT)
        r = self.volley("-q", input=self.objects(line), rc=0)
        o = r.one()
        self.assertOk(o)
        self.assertIn(b',"meta":' + self.META_MIN.encode() + b"}\n", r.stdout)
        self.assertEqual(o["meta"]["big"], 12345678901234567890123)

    def test_meta_survives_on_an_error_line(self):
        line = '{"url": "ftp://x/", "meta": %s}' % self.META_TEXT
        r = self.volley("-q", input=self.objects(line), rc=1)
        self.assertErrorKind(r.one(), "unsupported_scheme")
        self.assertIn(b',"meta":' + self.META_MIN.encode() + b"}\n", r.stdout)

    def test_json_body_is_sent_as_written(self):
        line = '{"url": "%s", "method": "POST", "body": {"n": 12345678901234567890123, "e": 1E2}}' % self.url("/echo")
        self.assertOk(self.volley("-q", input=self.objects(line), rc=0).one())
        self.assertEqual(self.requests_seen(path="/echo")[0]["body"], '{"n":12345678901234567890123,"e":1E2}')


if __name__ == "__main__":
    harness.main()
