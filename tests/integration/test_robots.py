#!/usr/bin/env python3
"""--robots (issue 9): robots.txt fetched once per origin before its first URL and obeyed, seen
from a loopback server's request log. The server is this file's own: each test says what every
host name's robots.txt is, and volley reaches the names through --resolve."""

import os
import signal
import sys
import threading
import time
import unittest
from urllib.parse import quote, unquote
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class RobotsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20  # an idle keep-alive connection ends on its own

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        server = self.server
        with server.lock:
            server.log.append({"host": host, "path": self.path, "method": self.command,
                               "ua": self.headers.get("User-Agent"), "auth": self.headers.get("Authorization"),
                               "t": time.monotonic()})
        spec = server.robots.get(host, (404, b""))
        if self.path == "/robots.txt" or self.path.startswith("/hop/"):
            hops = spec[2] if len(spec) > 2 else 0
            left = hops if self.path == "/robots.txt" else int(self.path[len("/hop/"):])
            if left > 0:
                return self._send(301, headers=[("Location", "/hop/%d" % (left - 1))])
            if spec[0] is None:  # never answers: held until the test ends, 20 s at most
                server.release.wait(20)
                self.close_connection = True
                return
            return self._send(spec[0], spec[1])
        if self.path.startswith("/to?u="):  # a redirect to wherever u says
            return self._send(302, headers=[("Location", unquote(self.path[len("/to?u="):]))])
        self._send(200, b"page\n")

    do_GET = do_HEAD = do_POST = _handle


class RobotsServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # volley drops a robots.txt past the parse limit mid-body: not the server's failure


def start_robots_server(robots):
    """robots: host name -> (status, body[, redirects before it]); unknown names answer 404, and
    a status of None never answers (until `release` is set)."""
    srv = RobotsServer(("127.0.0.1", 0), RobotsHandler)
    srv.robots = robots
    srv.log = []
    srv.lock = threading.Lock()
    srv.release = threading.Event()
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return srv, srv.server_address[1]


def serve_robots(test, robots):
    """start_robots_server for one test, stopped when it ends."""
    srv, port = start_robots_server(robots)
    test.addCleanup(srv.server_close)
    test.addCleanup(srv.shutdown)
    test.addCleanup(srv.release.set)
    return srv, port


class TestRobots(VolleyTestCase):
    server_per_class = False

    def serve(self, robots):
        return serve_robots(self, robots)

    def fetch(self, srv, port, urls, *args, rc=None, timeout=120, hosts=()):
        """Runs volley --robots over `urls` ("name/path"), each name, and each of `hosts`, resolved
        to the server."""
        names = sorted({u.split("/", 1)[0] for u in urls} | set(hosts))
        resolve = []
        for n in names:
            resolve += ["--resolve", "%s:%d:127.0.0.1" % (n, port)]
        full = ["http://%s:%d/%s" % (u.split("/", 1)[0], port, u.split("/", 1)[1]) for u in urls]
        path = self.write_file("\n".join(full) + "\n")
        r = self.volley("-q", "--robots", "--retry-delay", "0.05", *resolve, *args, "-i", path,
                        timeout=timeout, rc=rc)
        self.assertEqual(sorted(o["seq"] for o in r.lines), list(range(1, len(urls) + 1)), r.describe())
        return r, {u: r.by_url()[f] for u, f in zip(urls, full)}

    @staticmethod
    def seen(srv, host, path=None):
        with srv.lock:
            return [x for x in srv.log if x["host"] == host and (path is None or x["path"] == path)]

    def test_disallowed_urls_never_reach_the_server_and_robots_txt_is_asked_once(self):
        srv, port = self.serve({"a.test": (200, b"User-agent: *\nDisallow: /private\nAllow: /private/ok\n")})
        urls = ["a.test/private/%d" % i for i in range(3)] + ["a.test/public/%d" % i for i in range(3)]
        urls.append("a.test/private/ok")
        r, by = self.fetch(srv, port, urls, "-v", "-c", "8", rc=1)
        for u, o in by.items():
            if u.startswith("a.test/private/") and u != "a.test/private/ok":
                self.assertErrorKind(o, "robots_disallowed")
                self.assertEqual(o["error"]["message"], "disallowed by http://a.test:%d/robots.txt" % port)
                self.assertIsNone(o["status"])
                self.assertEqual(o["attempts"], 0)
            else:
                self.assertOk(o)
        paths = [x["path"] for x in self.seen(srv, "a.test")]
        self.assertEqual(paths.count("/robots.txt"), 1, paths)
        self.assertEqual(paths[0], "/robots.txt")  # before any of the host's URLs
        self.assertEqual(sorted(paths[1:]), sorted("/" + u.split("/", 1)[1] for u in urls
                                                   if not u.startswith("a.test/private/") or u.endswith("/ok")))
        self.assertIn("/robots.txt", r.stderr)  # -v logs the fetch, which has no line of its own

    def test_a_404_robots_txt_allows_everything(self):
        srv, port = self.serve({"a.test": (404, b"User-agent: *\nDisallow: /\n")})
        urls = ["a.test/%d" % i for i in range(5)]
        _, by = self.fetch(srv, port, urls, rc=0)
        for o in by.values():
            self.assertOk(o)
        self.assertEqual(len(self.seen(srv, "a.test")), 6)

    def test_a_500_robots_txt_disallows_the_whole_host(self):
        srv, port = self.serve({"a.test": (500, b"")})
        urls = ["a.test/%d" % i for i in range(5)]
        _, by = self.fetch(srv, port, urls, "--retries", "1", rc=1)
        for o in by.values():
            self.assertErrorKind(o, "robots_disallowed")
            self.assertEqual(o["error"]["message"],
                             "http://a.test:%d/robots.txt answered 500: the host is disallowed for the run" % port)
        # Retried like any URL, then nothing else was asked.
        self.assertEqual([x["path"] for x in self.seen(srv, "a.test")], ["/robots.txt"] * 2)

    def test_an_unreachable_robots_txt_disallows_the_host(self):
        port = harness.closed_port()
        path = self.write_file("".join("http://127.0.0.1:%d/%d\n" % (port, i) for i in range(3)))
        r = self.volley("-q", "--robots", "--retries", "0", "-i", path, rc=1)
        self.assertEqual(len(r.lines), 3)
        for o in r.lines:
            self.assertErrorKind(o, "robots_disallowed")
            self.assertIn("robots.txt unreachable (connect: ", o["error"]["message"])

    def test_redirects_up_to_five_are_followed_beyond_that_everything_is_allowed(self):
        body = b"User-agent: *\nDisallow: /private\n"
        srv, port = self.serve({"five.test": (200, body, 5), "six.test": (200, body, 6)})
        urls = ["five.test/private", "five.test/public", "six.test/private", "six.test/public"]
        # --max-redirects is the URLs' own: the robots.txt fetch follows five whatever it says.
        _, by = self.fetch(srv, port, urls, "--max-redirects", "0", rc=1)
        self.assertErrorKind(by["five.test/private"], "robots_disallowed")
        self.assertOk(by["five.test/public"])
        self.assertOk(by["six.test/private"])  # RFC 9309 2.3.1.2: unavailable, so allowed
        self.assertOk(by["six.test/public"])
        self.assertEqual([x["path"] for x in self.seen(srv, "five.test")][:6],
                         ["/robots.txt"] + ["/hop/%d" % i for i in range(4, -1, -1)])
        self.assertNotIn("/private", [x["path"] for x in self.seen(srv, "five.test")])

    def test_the_group_of_the_user_agents_product_token(self):
        body = b"User-agent: *\nDisallow: /\n\nUser-agent: nightbot\nAllow: /\nDisallow: /private\n"
        srv, port = self.serve({"a.test": (200, body)})
        urls = ["a.test/public", "a.test/private"]
        _, by = self.fetch(srv, port, urls, "-A", "NightBot/2.1 (+https://example.com/bot)", rc=1)
        self.assertOk(by["a.test/public"])
        self.assertErrorKind(by["a.test/private"], "robots_disallowed")
        # volley's own token has no group of its own here: the * group forbids everything.
        srv2, port2 = self.serve({"a.test": (200, body)})
        _, by = self.fetch(srv2, port2, urls, rc=1)
        for o in by.values():
            self.assertErrorKind(o, "robots_disallowed")
        self.assertEqual([x["path"] for x in self.seen(srv2, "a.test")], ["/robots.txt"])

    def test_robots_txt_is_a_get_whatever_the_urls_method(self):
        srv, port = self.serve({"a.test": (200, b"User-agent: *\nDisallow: /no\n")})
        _, by = self.fetch(srv, port, ["a.test/yes", "a.test/no"], "-d", "x=1", rc=1)
        self.assertOk(by["a.test/yes"])
        log = self.seen(srv, "a.test")
        self.assertEqual([(x["method"], x["path"]) for x in log], [("GET", "/robots.txt"), ("POST", "/yes")])
        self.assertTrue(log[0]["ua"].startswith("volley/"), log[0])

    def test_only_the_first_500_kib_are_read(self):
        filler = b"# " + b"x" * 1000 + b"\n"
        body = b"User-agent: *\nDisallow: /early\n" + filler * 600 + b"Disallow: /late\n"
        srv, port = self.serve({"a.test": (200, body)})
        _, by = self.fetch(srv, port, ["a.test/early", "a.test/late"], rc=1)
        self.assertErrorKind(by["a.test/early"], "robots_disallowed")
        self.assertOk(by["a.test/late"])  # its rule lies past the parse limit

    def test_crawl_delay_paces_its_host_and_no_other(self):
        srv, port = self.serve({"slow.test": (200, b"User-agent: *\nCrawl-delay: 1\n"),
                                "fast.test": (200, b"")})
        urls = ["slow.test/%d" % i for i in range(4)] + ["fast.test/%d" % i for i in range(4)]
        _, by = self.fetch(srv, port, urls, "-c", "8", rc=0)
        for o in by.values():
            self.assertOk(o)
        slow = [x["t"] for x in self.seen(srv, "slow.test")]
        self.assertEqual(len(slow), 5)  # robots.txt, then the four URLs
        gaps = [b - a for a, b in zip(slow, slow[1:])]
        self.assertTrue(all(g >= 0.8 for g in gaps), "slow.test arrivals too close: %s" % gaps)
        fast = [x["t"] for x in self.seen(srv, "fast.test")]
        self.assertEqual(len(fast), 5)
        # fast.test went at once: well inside the three seconds slow.test needed at the least.
        self.assertLess(fast[-1] - fast[0], 2.0, fast)

    def test_urls_waiting_for_robots_txt_get_interrupted_lines_on_sigint(self):
        srv, port = self.serve({"127.0.0.1": (None, b"")})
        urls = "".join("http://127.0.0.1:%d/%d\n" % (port, i) for i in range(20))
        p = self.spawn(["-q", "--robots", "-i", self.write_file(urls)])
        deadline = time.monotonic() + 20
        while not self.seen(srv, "127.0.0.1", "/robots.txt") and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.02)
        self.assertTrue(self.seen(srv, "127.0.0.1", "/robots.txt"), "robots.txt was never asked for")
        self.wait_signal_handler(p, signal.SIGINT)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 130, err)
        lines = harness.parse_lines(out)
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 21)))
        for o in lines:
            self.assertErrorKind(o, "interrupted")
            self.assertEqual(o["attempts"], 0)
        self.assertEqual([x["path"] for x in self.seen(srv, "127.0.0.1")], ["/robots.txt"])

    def test_two_origins_are_independent(self):
        srv_a, port_a = self.serve({"127.0.0.1": (200, b"User-agent: *\nDisallow: /x\n")})
        srv_b, port_b = self.serve({"127.0.0.1": (200, b"User-agent: *\nDisallow: /y\n")})
        urls = ["http://127.0.0.1:%d/%s" % (p, q) for p in (port_a, port_b) for q in ("x", "y")]
        path = self.write_file("\n".join(urls) + "\n")
        r = self.volley("-q", "--robots", "-i", path, rc=1)
        by = r.by_url()
        self.assertErrorKind(by[urls[0]], "robots_disallowed")
        self.assertOk(by[urls[1]])
        self.assertOk(by[urls[2]])
        self.assertErrorKind(by[urls[3]], "robots_disallowed")
        self.assertEqual([x["path"] for x in self.seen(srv_a, "127.0.0.1")], ["/robots.txt", "/y"])
        self.assertEqual([x["path"] for x in self.seen(srv_b, "127.0.0.1")], ["/robots.txt", "/x"])

    # libcurl would follow a redirect unchecked: with --robots each hop passes the gate first.
    def test_a_redirect_into_a_disallowed_path_is_not_requested(self):
        srv, port = self.serve({"a.test": (200, b"User-agent: *\nDisallow: /private\n"),
                                "b.test": (200, b"User-agent: *\nDisallow: /private\n")})
        b_secret = "http://b.test:%d/private/secret" % port
        urls = ["a.test/to?u=/private/x", "a.test/to?u=" + quote(b_secret, safe="")]
        _, by = self.fetch(srv, port, urls, rc=1, hosts=["b.test"])
        for u, hop in zip(urls, ["http://a.test:%d/private/x" % port, b_secret]):
            with self.subTest(url=u):
                o = by[u]
                self.assertErrorKind(o, "robots_disallowed")
                self.assertIn("redirect to " + hop, o["error"]["message"])
                self.assertEqual(o["redirects"], 1)
        self.assertNotIn("/private/x", [x["path"] for x in self.seen(srv, "a.test")])
        self.assertEqual([x["path"] for x in self.seen(srv, "b.test")], ["/robots.txt"])

    def test_an_allowed_redirect_chain_is_followed_and_credentials_stay_on_their_origin(self):
        srv, port = self.serve({"b.test": (200, b"User-agent: *\nDisallow: /private\n")})
        b_hop = "http://b.test:%d/to?u=%s" % (port, quote("/public/z", safe=""))
        urls = ["a.test/to?u=" + quote(b_hop, safe="")]
        _, by = self.fetch(srv, port, urls, "-H", "Authorization: Bearer s3cret", rc=0,
                           hosts=["b.test"])
        o = by[urls[0]]
        self.assertOk(o)
        self.assertEqual(o["redirects"], 2)
        self.assertEqual(o["final_url"], "http://b.test:%d/public/z" % port)
        self.assertEqual(o["attempts"], 1)
        a_auth = [x["auth"] for x in self.seen(srv, "a.test") if x["path"] != "/robots.txt"]
        self.assertEqual(a_auth, ["Bearer s3cret"])
        b_seen = self.seen(srv, "b.test")
        self.assertEqual([x["path"] for x in b_seen][1:], ["/to?u=%2Fpublic%2Fz", "/public/z"])
        self.assertEqual([x["auth"] for x in b_seen], [None] * 3, "Authorization leaked to another host")

    def test_max_redirects_counts_the_hops_the_gate_follows(self):
        srv, port = self.serve({})
        urls = ["a.test/to?u=" + quote("/to?u=" + quote("/end", safe=""), safe=""), "a.test/to?u=/end"]
        _, by = self.fetch(srv, port, urls, "--max-redirects", "1", rc=1)
        self.assertErrorKind(by[urls[0]], "too_many_redirects")
        self.assertEqual(by[urls[0]]["status"], 302)
        self.assertOk(by[urls[1]])
        self.assertEqual(by[urls[1]]["redirects"], 1)
        self.assertEqual([x["path"] for x in self.seen(srv, "a.test", "/end")], ["/end"])
        _, by = self.fetch(srv, port, urls[1:], "--max-redirects", "0", rc=0)
        self.assertEqual(by[urls[1]]["status"], 302)
        self.assertEqual(len(self.seen(srv, "a.test", "/end")), 1)

    def test_a_post_redirected_by_a_302_goes_on_as_a_get(self):
        # As without --robots (RFC 9110 15.4.3): the hop is a GET, checked like any other.
        srv, port = self.serve({})
        _, by = self.fetch(srv, port, ["a.test/to?u=/end"], "-d", "x=1", rc=0)
        o = by["a.test/to?u=/end"]
        self.assertEqual((o["status"], o["redirects"], o["error"]), (200, 1, None))
        self.assertEqual([x["method"] for x in self.seen(srv, "a.test", "/end")], ["GET"])


if __name__ == "__main__":
    harness.main()
