#!/usr/bin/env python3
"""Self-test of tests/server/hostile_server.py (does not need volley): the
other test files are only as good as the server they talk to."""

import gzip
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import hostile_server  # noqa: E402


def raw_request(port, path, timeout=5, method="GET", headers=""):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sConnection: close\r\n\r\n"
               % (method, path, port, headers)).encode())
    chunks = []
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    except ConnectionResetError:
        chunks.append(b"<RST>")
    finally:
        s.close()
    return b"".join(chunks)


class TestHostileServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv, cls.port = hostile_server.start_server()
        cls.addClassCleanup(cls.srv.shutdown)

    def setUp(self):
        self.get("/_reset")

    def get(self, path, method="GET", body=None, headers=None, host=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if host:
            h["Host"] = host
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    def test_ok_size_status(self):
        r, d = self.get("/ok")
        self.assertEqual((r.status, d, r.getheader("Content-Type")), (200, b"hello\n", "text/plain"))
        r, d = self.get("/size/12345")
        self.assertEqual(len(d), 12345)
        r, d = self.get("/chunked/5000")
        self.assertEqual(len(d), 5000)
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        r, _ = self.get("/status/503")
        self.assertEqual(r.status, 503)
        r, d = self.get("/notype")
        self.assertIsNone(r.getheader("Content-Type"))

    def test_encodings(self):
        r, d = self.get("/gzip")
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(d), b"a" * 10000)
        r, d = self.get("/deflate")
        self.assertEqual(zlib.decompress(d), b"a" * 10000)
        r, d = self.get("/bomb")
        self.assertLess(len(d), 400000)
        dec = zlib.decompressobj(31)
        total = 0
        while d:
            total += len(dec.decompress(d, 1 << 24))
            d = dec.unconsumed_tail
        self.assertEqual(total, 200 * 1024 * 1024)

    def test_echo_and_request_log(self):
        r, d = self.get("/echo?x=1", method="PUT", body=b"abc", headers={"X-A": "b"})
        e = json.loads(d)
        self.assertEqual((e["method"], e["path"], e["body"]), ("PUT", "/echo", "abc"))
        self.assertIn(["X-A", "b"], e["headers"])
        log = json.loads(self.get("/_requests")[1])
        self.assertEqual([x["path"] for x in log], ["/echo"])

    def test_stats_and_inflight(self):
        def hit(host):
            self.get("/delay/400", host=host)
        ts = [threading.Thread(target=hit, args=(h,)) for h in ("a:1", "a:1", "b:2")]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        st = json.loads(self.get("/_stats")[1])
        self.assertEqual(st["max_inflight"], 3)
        self.assertEqual(st["max_inflight_by_host"], {"a:1": 2, "b:2": 1})
        self.assertEqual(st["count"], 3)
        self.assertEqual(st["count_by_path"], {"/delay/400": 3})
        self.get("/_reset")
        st = json.loads(self.get("/_stats")[1])
        self.assertEqual((st["count"], st["max_inflight"]), (0, 0))

    def test_redirects(self):
        for path, loc in [("/redirect/2", "/redirect/1"), ("/loop", "/loop"),
                          ("/to-file", "file:///etc/passwd"), ("/to-gopher", "gopher://127.0.0.1/"),
                          ("/to-host?url=http%3A%2F%2Fx.test%3A1%2Fecho", "http://x.test:1/echo")]:
            r, _ = self.get(path)
            self.assertEqual((r.status, r.getheader("Location")), (302, loc), path)
        self.assertEqual(self.get("/redirect/0")[0].status, 200)

    def test_flaky_and_retry_after(self):
        self.assertEqual([self.get("/flaky/k1/2")[0].status for _ in range(4)], [503, 503, 200, 200])
        r, _ = self.get("/retry-after/k1/3")
        self.assertEqual((r.status, r.getheader("Retry-After")), (429, "3"))
        self.assertEqual(self.get("/retry-after/k1/3")[0].status, 200)
        r, _ = self.get("/retry-after-date/k1/2")
        self.assertEqual(r.status, 429)
        self.assertTrue(r.getheader("Retry-After").endswith("GMT"))

    def test_hostile_raw(self):
        self.assertEqual(raw_request(self.port, "/empty"), b"")
        self.assertIn(raw_request(self.port, "/reset"), (b"", b"<RST>"))
        self.assertTrue(raw_request(self.port, "/garbage").startswith(b"SSH-2.0-xyz\r\n"))
        short = raw_request(self.port, "/short")
        self.assertTrue(short.endswith(b"\r\n\r\n0123456789"))
        self.assertIn(b"Content-Length: 1000", short)
        self.assertIn(b"ZZZZ", raw_request(self.port, "/badchunk"))
        self.assertGreater(len(raw_request(self.port, "/bigheader")), 256 * 1024)
        self.assertEqual(raw_request(self.port, "/manyheaders").count(b"\r\nX-H-"), 10000)
        lat = raw_request(self.port, "/latin1")
        self.assertIn(b"Content-Type: text/html; charset=iso-8859-1; x=Caf\xe9\r\n", lat)
        self.assertTrue(lat.endswith(b"Caf\xe9 \xfcber\n"))
        self.assertTrue(raw_request(self.port, "/http10").startswith(b"HTTP/1.0 200"))

    def test_never_is_bounded_and_notices_client_leaving(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /never HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        self.assertEqual(self.srv.state.stats()["inflight"], 1)
        s.close()
        end = time.monotonic() + 5
        while self.srv.state.stats()["inflight"] and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(self.srv.state.stats()["inflight"], 0)

    def test_drip(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /drip HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(1.5)
        data = s.recv(65536)
        s.close()
        self.assertIn(b"Content-Length: 1000000", data)
        self.assertLessEqual(len(data.split(b"\r\n\r\n", 1)[1]), 3)

    def test_script_mode_with_tls(self):
        d = tempfile.mkdtemp(prefix="hostile-")
        self.addCleanup(shutil.rmtree, d, True)
        certs = harness.make_certs(d)
        pf = os.path.join(d, "port")
        p = subprocess.Popen([sys.executable, hostile_server.__file__, "--port", "0",
                              "--port-file", pf, "--tls-cert", certs["cert"],
                              "--tls-key", certs["key"]])
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait(5)))
        end = time.monotonic() + 10
        while not os.path.exists(pf) and time.monotonic() < end:
            time.sleep(0.05)
        with open(pf) as f:
            port = int(f.read())
        ctx = ssl.create_default_context(cafile=certs["ca"])
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ctx)
        c.request("GET", "/ok")
        self.assertEqual(c.getresponse().read(), b"hello\n")
        c.close()
        bad = ssl.create_default_context(cafile=certs["self_cert"])
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=bad)
        with self.assertRaises(ssl.SSLError):
            c.request("GET", "/ok")
        c.close()
        p.terminate()
        self.assertEqual(p.wait(10), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
