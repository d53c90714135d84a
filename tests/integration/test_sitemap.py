#!/usr/bin/env python3
"""--crawl --sitemap (issue 20): each seed's origin read from its robots.txt's Sitemap: lines, else
/sitemap.xml; an index's sitemaps, plain and gzip; the pages they list crawled at depth 0 with the
sitemap as parent; a gzip bomb and a sitemap that never ends bounded. The server is this file's
own: each test lays out the paths of one origin, and the server logs what was asked."""

import gzip
import os
import resource
import sys
import threading
import unittest
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            server.log.append(self.path)
        page = server.pages.get(self.path)
        if page == "endless":
            return self.endless()
        if page is None:
            status, ctype, body = 404, "text/plain", b"no such page\n"
        else:
            status, ctype, body = page[:3]
        self.send_response(status)
        for name, value in (page[3] if page and len(page) > 3 else ()):
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def endless(self):
        """A sitemap that never ends: two <url>s, then comments for as long as anyone reads."""
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        head = ("<urlset>" + "".join("<url><loc>%s/e%d</loc></url>" % (self.server.base, i) for i in (1, 2))).encode()
        filler = b"<!--" + b"x" * 60000 + b"-->\n"
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
            for _ in range(20000):  # 1.2 GB at most: bounded, and far past volley's 50 MB
                self.wfile.write(b"%x\r\n%s\r\n" % (len(filler), filler))
        except OSError:
            pass
        self.close_connection = True


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # volley hangs up on a sitemap past its cap: not the server's failure


def html(*links):
    return (200, "text/html", ("<html><body>%s</body></html>" % "".join('<a href="%s">x</a>' % l for l in links)).encode())


def urlset(*locs):
    body = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    body += "".join("<url><loc>%s</loc></url>" % l for l in locs) + "</urlset>\n"
    return body.encode()


def index(*locs):
    body = '<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    body += "".join("<sitemap><loc>%s</loc></sitemap>" % l for l in locs) + "</sitemapindex>\n"
    return body.encode()


def gzip_bomb(first_loc):
    """A <urlset> whose one <url> is followed by 256 MiB of white space: ~250 KB compressed."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [z.compress(("<urlset><url><loc>%s</loc></url>" % first_loc).encode())]
    spaces = b" " * (1 << 20)
    for _ in range(256):
        out.append(z.compress(spaces))
    out.append(z.flush())
    return b"".join(out)


class TestSitemap(VolleyTestCase):
    server_per_class = False

    def serve(self, pages):
        """pages: path -> (status, content type, body[, headers]) or "endless"; bodies may use {base}."""
        srv = SiteServer(("127.0.0.1", 0), SiteHandler)
        srv.base = "http://127.0.0.1:%d" % srv.server_address[1]
        srv.pages = {}
        for path, page in pages.items():
            if page != "endless" and isinstance(page[2], str):
                page = (page[0], page[1], page[2].replace("{base}", srv.base).encode())
            srv.pages[path] = page
        srv.log = []
        srv.lock = threading.Lock()
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.addCleanup(srv.server_close)
        self.addCleanup(srv.shutdown)
        return srv, srv.base

    def crawl(self, base, *args, rc=0, timeout=60):
        return self.volley("-q", "--crawl", "--sitemap", *args, base + "/", rc=rc, timeout=timeout)

    def assert_each_once(self, r):
        urls = [o["url"] for o in r.lines]
        self.assertEqual(len(urls), len(set(urls)), r.describe())

    def index_site(self):
        srv, base = self.serve({
            "/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /private\n\nSitemap: {base}/sitemap_index.xml\n"),
            "/": html("/linked"),
            "/linked": html(),
            "/sitemap_index.xml": (200, "application/xml", index("{base}/plain.xml", "{base}/pages.xml.gz").decode()),
            "/plain.xml": (200, "application/xml", urlset("{base}/", "{base}/only-in-plain", "{base}/private", "mailto:a@example.com",
                                                          "http://elsewhere.invalid/out-of-scope").decode()),
            "/only-in-plain": html("/below-plain"),
            "/below-plain": html(),
            "/only-in-gzip": html(),
            "/private": html(),
        })
        srv.pages["/pages.xml.gz"] = (200, "application/gzip",
                                      gzip.compress(urlset(base + "/only-in-gzip", base + "/linked"), mtime=0))
        return srv, base

    def test_robots_names_an_index_of_a_plain_and_a_gzip_sitemap(self):
        srv, base = self.index_site()
        r = self.crawl(base)
        self.assert_each_once(r)
        by = r.by_url()
        self.assertEqual(sorted(by), sorted(base + p for p in
                                            ("/", "/linked", "/only-in-plain", "/below-plain", "/only-in-gzip",
                                             "/private")),
                         r.describe())
        self.assertEqual(by[base + "/"]["depth"], 0)
        self.assertIsNone(by[base + "/"]["parent"])
        self.assertEqual(by[base + "/linked"]["parent"], base + "/")  # found on the seed first
        self.assertEqual((by[base + "/only-in-plain"]["depth"], by[base + "/only-in-plain"]["parent"]),
                         (0, base + "/plain.xml"))
        self.assertEqual((by[base + "/only-in-gzip"]["depth"], by[base + "/only-in-gzip"]["parent"]),
                         (0, base + "/pages.xml.gz"))
        self.assertEqual((by[base + "/below-plain"]["depth"], by[base + "/below-plain"]["parent"]),
                         (1, base + "/only-in-plain"))
        with srv.lock:
            log = list(srv.log)
        for internal in ("/robots.txt", "/sitemap_index.xml", "/plain.xml", "/pages.xml.gz"):
            self.assertEqual(log.count(internal), 1, log)

    def test_with_robots_the_gates_robots_txt_is_read_once_for_both(self):
        srv, base = self.index_site()
        r = self.crawl(base, "--robots")
        self.assert_each_once(r)
        by = r.by_url()
        self.assertIn(base + "/only-in-gzip", by, r.describe())
        self.assertEqual(by[base + "/only-in-plain"]["parent"], base + "/plain.xml")
        # A page a sitemap lists is a page found, not a seed: disallowed, it makes no line.
        self.assertNotIn(base + "/private", by)
        with srv.lock:
            log = list(srv.log)
        self.assertEqual(log.count("/robots.txt"), 1, log)

    def test_with_robots_and_state_a_stored_robots_txt_still_names_the_sitemaps(self):
        srv, base = self.index_site()
        state = os.path.join(self.tmpdir(), "state.db")
        first = self.crawl(base, "--robots", "--state", state)
        second = self.crawl(base, "--robots", "--state", state)
        self.assertEqual(sorted(second.by_url()), sorted(first.by_url()), second.describe())
        self.assertIn(base + "/only-in-gzip", second.by_url())
        with srv.lock:
            log = list(srv.log)
        self.assertEqual(log.count("/robots.txt"), 1, log)  # the second run's came from the state file
        self.assertEqual(log.count("/pages.xml.gz"), 2, log)

    def test_without_robots_txt_the_sitemap_is_sitemap_xml(self):
        srv, base = self.serve({
            "/": html(),
            "/sitemap.xml": (200, "text/xml", urlset("{base}/fallback").decode()),
            "/fallback": html(),
        })
        r = self.crawl(base)
        by = r.by_url()
        self.assertEqual(sorted(by), [base + "/", base + "/fallback"], r.describe())
        self.assertEqual(by[base + "/fallback"]["parent"], base + "/sitemap.xml")
        with srv.lock:
            log = list(srv.log)
        self.assertEqual(log.count("/robots.txt"), 1, log)
        self.assertEqual(log.count("/sitemap.xml"), 1, log)

    def test_a_gzip_bomb_and_an_endless_sitemap_are_bounded(self):
        srv, base = self.serve({
            "/robots.txt": (200, "text/plain", "Sitemap: {base}/bomb.xml.gz\nSitemap: {base}/endless.xml\n"
                                               "Sitemap: {base}/encoded.xml\n"),
            "/": html(),
            "/endless.xml": "endless",
            "/b1": html(), "/c1": html(), "/e1": html(), "/e2": html(),
        })
        srv.pages["/bomb.xml.gz"] = (200, "application/gzip", gzip_bomb(base + "/b1"))
        # The same bomb as a Content-Encoding, which libcurl inflates before volley sees a byte.
        srv.pages["/encoded.xml"] = (200, "application/xml", gzip_bomb(base + "/c1"), [("Content-Encoding", "gzip")])
        r = self.crawl(base, timeout=60)
        self.assert_each_once(r)
        self.assertEqual(sorted(r.by_url()), sorted(base + p for p in ("/", "/b1", "/c1", "/e1", "/e2")), r.describe())
        with srv.lock:
            log = list(srv.log)
        self.assertEqual(log.count("/endless.xml"), 1, log)
        self.assertEqual(log.count("/bomb.xml.gz"), 1, log)
        self.assertEqual(log.count("/encoded.xml"), 1, log)
        # A sitemap is read as it arrives, never held: 150 MB of XML cost no more than a small
        # crawl. ru_maxrss is the largest of this process's children so far, all volley runs.
        if not harness.sanitized():
            peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            self.assertLess(peak_kib, 48 * 1024)


if __name__ == "__main__":
    unittest.main()
