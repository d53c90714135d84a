#!/usr/bin/env python3
"""HTTP/2 over TLS, against nginx on loopback (Python's standard library has no HTTP/2 server).
Skipped when nginx is not installed; scripts/test.sh installs it."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {d}/error.log;
pid {d}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
  uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    root {d}/www;
  }}
}}
"""


@unittest.skipUnless(NGINX, "nginx is not installed")
class TestHTTP2(VolleyTestCase):
    server_per_class = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.class_tmpdir("volley-h2-")
        os.makedirs(os.path.join(d, "www"))
        os.makedirs(os.path.join(d, "tmp"))
        with open(os.path.join(d, "www", "f"), "w") as f:
            f.write("x" * 100)
        cls.certs = harness.make_certs(d)
        cls.h2_port = harness.free_port()
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(CONF.format(d=d, port=cls.h2_port, cert=cls.certs["cert"], key=cls.certs["key"]))
        cls.nginx = subprocess.Popen([NGINX, "-c", conf, "-p", d], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        cls.addClassCleanup(harness.stop_process, cls.nginx)
        harness.wait_for_port(cls.h2_port, cls.nginx, "nginx")

    def h2url(self):
        return "https://127.0.0.1:%d/f" % self.h2_port

    def test_http2_where_tls_offers_it(self):
        r = self.volley("-q", "-c", "8", "--cacert", self.certs["ca"], *([self.h2url()] * 20), rc=0)
        self.assertEqual(len(r.lines), 20)
        for o in r.lines:
            self.assertOk(o)
            self.assertEqual(o["http_version"], "2")
            self.assertEqual(o["size"], 100)

    def test_http11_flag_forces_1_1(self):
        o = self.volley("-q", "--http1.1", "--cacert", self.certs["ca"], self.h2url(), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["http_version"], "1.1")


if __name__ == "__main__":
    harness.main()
