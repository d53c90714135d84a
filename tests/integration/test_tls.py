#!/usr/bin/env python3
"""TLS: trust via --cacert, --capath and the environment, -k, untrusted, expired and
mismatched certificates, and TLS session reuse with the shared trust store."""

import os
import shutil
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


def openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, capture_output=True, timeout=30, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError("openssl failed: %s\n%s" % (" ".join(args), r.stderr))


def make_more_certs(d, certs):
    """Next to harness.make_certs: a certificate of the test CA that expired in 2020 (`openssl
    ca` can backdate, `openssl req -x509` cannot), a second CA that signed nothing served here,
    and a hashed directory holding the test CA (as `openssl rehash` makes it)."""
    p = {k: os.path.join(d, v) for k, v in {
        "expired": "expired.pem", "expired_key": "expired.key", "other_ca": "other-ca.pem",
        "other_ca_key": "other-ca.key", "hashed": "hashed", "other_hashed": "other-hashed"}.items()}
    with open(os.path.join(d, "expired.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = test_ca\n"
                "[test_ca]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
                "default_md = sha256\npolicy = any\nunique_subject = no\n"
                "[any]\ncommonName = supplied\n")
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(["req"] + ec + ["-keyout", p["expired_key"], "-out", "expired.csr", "-subj", "/CN=localhost"], d)
    openssl(["ca", "-batch", "-config", "ca.cnf", "-cert", certs["ca"], "-keyfile", certs["ca_key"],
             "-in", "expired.csr", "-out", p["expired"], "-notext", "-extfile", "expired.ext",
             "-startdate", "20200101000000Z", "-enddate", "20200201000000Z"], d)
    openssl(["req", "-x509"] + ec + ["-keyout", p["other_ca_key"], "-out", p["other_ca"], "-days", "3",
             "-subj", "/CN=volley other CA", "-addext", "basicConstraints=critical,CA:TRUE"], d)
    for key, ca in (("hashed", certs["ca"]), ("other_hashed", p["other_ca"])):
        os.mkdir(p[key])
        shutil.copy(ca, os.path.join(p[key], "ca.pem"))
        openssl(["rehash", p[key]], d)
    return p


class RecordingTLSContext(ssl.SSLContext):
    """A server context that notes, per handshake, whether the client resumed a session."""

    def wrap_socket(self, *args, **kw):
        sock = super().wrap_socket(*args, **kw)
        self.resumed.append(sock.session_reused)
        return sock


class TestTLS(VolleyTestCase):
    server_per_class = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.class_tmpdir("volley-tls-")
        cls.certs = harness.make_certs(d)
        cls.srv, cls.port = cls.start_class_server(tls=(cls.certs["cert"], cls.certs["key"]))
        cls.self_srv, cls.self_port = cls.start_class_server(
            tls=(cls.certs["self_cert"], cls.certs["self_key"]))
        cls.plain_srv, cls.plain_port = cls.start_class_server()
        cls.certs.update(make_more_certs(d, cls.certs))
        cls.expired_srv, cls.expired_port = cls.start_class_server(
            tls=(cls.certs["expired"], cls.certs["expired_key"]))
        cls.recording = RecordingTLSContext(ssl.PROTOCOL_TLS_SERVER)
        cls.recording.load_cert_chain(cls.certs["cert"], cls.certs["key"])
        cls.recording.set_alpn_protocols(["http/1.1"])
        cls.recording.resumed = []
        cls.resume_srv, cls.resume_port = cls.start_class_server(tls=cls.recording)

    def setUp(self):
        super().setUp()
        for s in (self.srv, self.self_srv, self.plain_srv, self.expired_srv, self.resume_srv):
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

    def volley_env(self, env, *args, rc):
        r = harness.run(list(args), env=harness.child_env(env))
        self.assertEqual(r.rc, rc, "unexpected exit code\n" + r.describe())
        return r

    def test_expired_certificate(self):
        u = self.https("/ok", port=self.expired_port)
        o = self.volley("-q", "--cacert", self.certs["ca"], u, rc=1).one()
        self.assertErrorKind(o, "tls")
        self.assertIn("expired", o["error"]["message"])
        self.assertEqual(self.path_count("/ok", srv=self.expired_srv), 0)
        o = self.volley("-q", "-k", u, rc=0).one()
        self.assertOk(o)

    def test_unknown_ca(self):
        for args in (("--cacert", self.certs["other_ca"]), ("--capath", self.certs["other_hashed"]), ()):
            with self.subTest(args=args):
                o = self.volley("-q", *args, self.https("/ok"), rc=1).one()
                self.assertErrorKind(o, "tls")
        self.assertEqual(self.path_count("/ok"), 0)

    def test_self_signed_not_in_default_store(self):
        o = self.volley("-q", self.https("/ok", port=self.self_port), rc=1).one()
        self.assertErrorKind(o, "tls")

    def test_hostname_mismatch_beside_a_match(self):
        # The same store verifies both: only the name differs.
        ok, wrong = self.https("/ok", host="localhost"), self.https("/ok", host="wrong-name.test")
        r = self.volley("-q", "--cacert", self.certs["ca"], "--resolve", "localhost:%d:127.0.0.1" % self.port,
                        "--resolve", "wrong-name.test:%d:127.0.0.1" % self.port, ok, wrong, rc=1)
        self.assertOk(r.by_url()[ok])
        self.assertErrorKind(r.by_url()[wrong], "tls")

    def test_capath_hashed_directory(self):
        o = self.volley("-q", "--capath", self.certs["hashed"], self.https("/ok"), rc=0).one()
        self.assertOk(o)
        r = self.volley("-q", "--capath", self.certs["hashed"], self.https("/ok", port=self.self_port),
                        self.https("/ok", port=self.expired_port), rc=1)
        for o in r.lines:
            self.assertErrorKind(o, "tls")

    def test_capath_must_be_a_directory(self):
        r = self.volley("-q", "--capath", self.certs["ca"], self.https("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")

    def test_unreadable_cacert_is_a_usage_error(self):
        bad = self.write_file("not a certificate\n", name="bad.pem")
        r = self.volley("-q", "--cacert", bad, self.https("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")
        self.assertIn("cannot load CA certificates", r.stderr)

    def test_environment_sources_and_their_order(self):
        ca, other, u = self.certs["ca"], self.certs["other_ca"], self.https("/ok")
        cases = [
            ({"SSL_CERT_FILE": ca}, (), 0),
            ({"SSL_CERT_DIR": self.certs["hashed"]}, (), 0),
            ({"CURL_CA_BUNDLE": ca}, (), 0),
            # CURL_CA_BUNDLE comes before OpenSSL's variables, as curl reads them.
            ({"CURL_CA_BUNDLE": other, "SSL_CERT_FILE": ca}, (), 1),
            ({"CURL_CA_BUNDLE": ca, "SSL_CERT_FILE": other}, (), 0),
            # The flags come before the environment, and are the whole store.
            ({"CURL_CA_BUNDLE": ca, "SSL_CERT_FILE": ca}, ("--cacert", other), 1),
            ({"CURL_CA_BUNDLE": other}, ("--cacert", ca), 0),
            ({"SSL_CERT_FILE": other}, ("--capath", self.certs["hashed"]), 0),
            # An empty variable is unset.
            ({"CURL_CA_BUNDLE": "", "SSL_CERT_FILE": ca}, (), 0),
        ]
        for env, args, rc in cases:
            with self.subTest(env=env, args=args):
                o = self.volley_env(env, "-q", *args, u, rc=rc).one()
                if rc == 0:
                    self.assertOk(o)
                else:
                    self.assertErrorKind(o, "tls")

    def test_insecure_ignores_the_trust_store(self):
        o = self.volley_env({"CURL_CA_BUNDLE": "/nonexistent.pem"}, "-q", "-k", self.https("/ok"), rc=0).one()
        self.assertOk(o)

    def test_missing_environment_bundle_fails_https_only(self):
        r = self.volley_env({"CURL_CA_BUNDLE": os.path.join(self.tmpdir(), "missing.pem")},
                            "-q", self.https("/ok"), self.url("/ok", port=self.plain_port), rc=1)
        lines = r.by_seq()
        self.assertErrorKind(lines[0], "tls")
        self.assertOk(lines[1])
        self.assertIn("cannot load CA certificates", r.stderr)

    def test_plain_http_run_loads_no_certificates(self):
        # The store is parsed by the first TLS connection: a run without one neither pays for the
        # system bundle nor trips over a broken one.
        missing = os.path.join(self.tmpdir(), "missing.pem")
        r = self.volley_env({"CURL_CA_BUNDLE": missing}, "-q", "-v", self.url("/ok", port=self.plain_port), rc=0)
        self.assertOk(r.one())
        self.assertNotIn("CA certificates", r.stderr)
        r = self.volley_env({"CURL_CA_BUNDLE": self.certs["ca"]}, "-q", "-v", self.https("/ok"), rc=0)
        self.assertIn("loaded once", r.stderr)

    def test_many_new_connections_share_one_store(self):
        # Each URL its own connection (the server closes after a Connection: close request):
        # every handshake is verified against the one store, and trust does not leak between
        # servers.
        good = [self.https("/ok?i=%d" % i) for i in range(12)]
        bad = [self.https("/ok?i=%d" % i, port=p) for i in range(6) for p in (self.self_port, self.expired_port)]
        r = self.volley("-q", "-c", "4", "--retries", "0", "-H", "Connection: close", "--cacert", self.certs["ca"],
                        *(good + bad), rc=1)
        got = r.by_url()
        for u in good:
            self.assertOk(got[u])
        for u in bad:
            self.assertErrorKind(got[u], "tls")
        self.assertEqual(self.path_count("/ok"), len(good))

    def test_tls_sessions_resumed_across_connections(self):
        self.recording.resumed.clear()
        urls = [self.https("/ok?i=%d" % i, port=self.resume_port) for i in range(4)]
        r = self.volley("-q", "-c", "1", "-H", "Connection: close", "--cacert", self.certs["ca"], *urls, rc=0)
        for o in r.lines:
            self.assertOk(o)
        self.assertEqual(len(self.recording.resumed), 4, "one connection per URL")
        self.assertFalse(self.recording.resumed[0])
        self.assertTrue(all(self.recording.resumed[1:]), self.recording.resumed)


if __name__ == "__main__":
    harness.main()
