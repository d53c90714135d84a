#!/usr/bin/env python3
"""TLS: trust via --cacert, -k, untrusted and mismatched certificates."""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestTLS(VolleyTestCase):
    server_per_class = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = tempfile.mkdtemp(prefix="volley-tls-")
        cls.addClassCleanup(shutil.rmtree, d, True)
        cls.certs = harness.make_certs(d)
        cls.srv, cls.port = harness.hostile_server.start_server(
            tls=(cls.certs["cert"], cls.certs["key"]))
        cls.addClassCleanup(cls.srv.shutdown)
        cls.self_srv, cls.self_port = harness.hostile_server.start_server(
            tls=(cls.certs["self_cert"], cls.certs["self_key"]))
        cls.addClassCleanup(cls.self_srv.shutdown)
        cls.plain_srv, cls.plain_port = harness.hostile_server.start_server()
        cls.addClassCleanup(cls.plain_srv.shutdown)

    def setUp(self):
        super().setUp()
        for s in (self.srv, self.self_srv, self.plain_srv):
            s.state.reset()

    def https(self, path, port=None, host="127.0.0.1"):
        return self.url(path, port=port or self.port, host=host, scheme="https")

    def test_cacert_trusts_server(self):
        u = self.https("/ok")
        o = self.volley("-q", "--cacert", self.certs["ca"], u, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["final_url"], u)
        self.assertEqual(o["size"], 6)
        self.assertEqual(o["http_version"], "1.1")
        self.assertEqual(o["remote_ip"], "127.0.0.1")
        self.assertGreater(o["time"]["tls"], 0, "a TLS handshake took place")
        self.assertEqual(self.path_count("/ok"), 1)

    def test_localhost_name_in_san(self):
        u = self.https("/size/10", host="localhost")
        o = self.volley("-q", "--cacert", self.certs["ca"],
                        "--resolve", "localhost:%d:127.0.0.1" % self.port, u, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["size"], 10)

    def test_untrusted_without_cacert(self):
        o = self.volley("-q", self.https("/ok"), rc=1).one()
        self.assertErrorKind(o, "tls")
        self.assertIsNone(o["status"])
        self.assertEqual(o["attempts"], 1, "TLS failures are not retried")
        self.assertEqual(self.path_count("/ok"), 0)

    def test_insecure(self):
        for flag in ("-k", "--insecure"):
            with self.subTest(flag=flag):
                o = self.volley("-q", flag, self.https("/ok"), rc=0).one()
                self.assertOk(o)

    def test_self_signed_not_trusted_by_other_ca(self):
        o = self.volley("-q", "--cacert", self.certs["ca"],
                        self.https("/ok", port=self.self_port), rc=1).one()
        self.assertErrorKind(o, "tls")
        o = self.volley("-q", "-k", self.https("/ok", port=self.self_port), rc=0).one()
        self.assertOk(o)

    def test_self_signed_trusted_when_given_as_cacert(self):
        o = self.volley("-q", "--cacert", self.certs["self_cert"],
                        self.https("/ok", port=self.self_port), rc=0).one()
        self.assertOk(o)

    def test_hostname_mismatch(self):
        u = self.https("/ok", host="wrong-name.test")
        o = self.volley("-q", "--cacert", self.certs["ca"],
                        "--resolve", "wrong-name.test:%d:127.0.0.1" % self.port, u, rc=1).one()
        self.assertErrorKind(o, "tls")

    def test_https_to_plain_http_port(self):
        o = self.volley("-q", "--retries", "0", self.https("/ok", port=self.plain_port),
                        rc=1).one()
        self.assertErrorKind(o, "tls")

    def test_handshake_never_completes(self):
        silent = harness.SilentListener()
        self.addCleanup(silent.close)
        u = self.https("/ok", port=silent.port)
        r = self.volley("-q", "--retries", "0", "--cacert", self.certs["ca"],
                        "--connect-timeout", "1", "--timeout", "30", u, rc=1, timeout=30)
        self.assertErrorKind(r.one(), "timeout")
        self.assertLess(r.elapsed, 10, "--connect-timeout covers the TLS handshake")
        r = self.volley("-q", "--retries", "0", "--cacert", self.certs["ca"],
                        "--timeout", "2", u, rc=1, timeout=30)
        self.assertErrorKind(r.one(), "timeout")
        self.assertLess(r.elapsed, 10)

    def test_errors_over_tls(self):
        ca = ("--cacert", self.certs["ca"])
        r = self.volley("-q", "--retries", "0", "--timeout", "2", *ca,
                        self.https("/never"), self.https("/short"), self.https("/redirect/2"),
                        rc=1, timeout=30)
        got = r.by_url()
        self.assertErrorKind(got[self.https("/never")], "timeout")
        self.assertErrorKind(got[self.https("/short")], "partial")
        self.assertOk(got[self.https("/redirect/2")])
        self.assertEqual(got[self.https("/redirect/2")]["redirects"], 2)
        self.assertLess(r.elapsed, 10)

    def test_mixed_trusted_and_untrusted(self):
        r = self.volley("-q", "--cacert", self.certs["ca"], self.https("/ok"),
                        self.https("/ok", port=self.self_port), self.url("/ok", port=self.plain_port),
                        rc=1)
        lines = r.by_seq()
        self.assertOk(lines[0])
        self.assertErrorKind(lines[1], "tls")
        self.assertOk(lines[2])


if __name__ == "__main__":
    harness.main()
