#!/usr/bin/env python3
"""--crawl (docs/crawl.md): seeds, depth and parent, each page once, scope, include and exclude,
budgets, redirects, politeness, and the flags a crawl refuses. The sites are the test server's:
/tree/N (a generated tree of pages) and /site/... (pages each test lays out in its state)."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


def tree_depth(n):
    """The depth of page n of a binary /tree: 0 for the root, 1 for 1 and 2, ..."""
    d = 0
    while n:
        n = (n - 1) // 2
        d += 1
    return d


def page(*links, title="t", ctype="text/html", **extra):
    body = "<html><head><title>%s</title></head><body>%s</body></html>" % (
        title, "".join('<a href="%s">x</a>\n' % href for href in links))
    return dict(body=body, ctype=ctype, **extra)


class TestCrawl(VolleyTestCase):
    def lay_out(self, pages):
        self.srv.state.site = dict(pages)

    def paths_seen(self):
        return [r["raw_path"] for r in self.requests_seen()]

    def crawl(self, *args, rc=0, **kw):
        return self.volley("--crawl", "-q", *args, rc=rc, **kw)

    def test_a_tree_to_depth_3_gives_each_page_once_with_depth_and_parent(self):
        root = self.url("/tree/0?max=30")
        summary = os.path.join(self.tmpdir(), "s.json")
        r = self.crawl("--depth", "3", "--summary-json", summary, root)
        self.assertEqual(len(r.lines), 15, r.describe())  # 1 + 2 + 4 + 8
        by_n = {int(o["url"].split("/tree/")[1].split("?")[0]): o for o in r.lines}
        self.assertEqual(sorted(by_n), list(range(15)))
        self.assertEqual(sorted(o["seq"] for o in r.lines), list(range(1, 16)))
        for n, o in by_n.items():
            self.assertEqual(o["status"], 200)
            self.assertEqual(o["depth"], tree_depth(n), o)
            if n == 0:
                self.assertIsNone(o["parent"])
            else:
                self.assertEqual(o["parent"], self.url("/tree/%d?max=30" % ((n - 1) // 2)), o)
        self.assertEqual(sorted(self.paths_seen()), sorted("/tree/%d?max=30" % n for n in range(15)))
        with open(summary) as f:
            s = json.load(f)
        # The links of the eight pages at depth 3: pages 15 to 30.
        self.assertEqual(s["not_followed"]["depth"], 16, s)
        self.assertEqual(s["urls"], 15)

    def test_depth_0_fetches_the_seeds_only(self):
        r = self.crawl("--depth", "0", self.url("/tree/0?max=30"), self.url("/tree/5?max=30"))
        self.assertEqual(sorted(o["url"] for o in r.lines),
                         sorted([self.url("/tree/0?max=30"), self.url("/tree/5?max=30")]))
        self.assertTrue(all(o["depth"] == 0 and o["parent"] is None for o in r.lines))

    def test_breadth_first_at_c1(self):
        self.crawl("-c", "1", "--depth", "4", self.url("/tree/0?max=62"))
        depths = [tree_depth(int(p.split("/tree/")[1].split("?")[0])) for p in self.paths_seen()]
        self.assertEqual(len(depths), 31)
        self.assertEqual(depths, sorted(depths))

    def test_a_page_linked_in_many_forms_is_fetched_once(self):
        host = "example.test:%d" % self.port
        self.lay_out({
            "/site/": page("/site/a?x=1&y=2", "/site/a?y=2&x=1", "/site/a?x=1&y=2#top",
                           "HTTP://EXAMPLE.test:%d/site/./b/../a?x=1&y=2" % self.port,
                           "/site/%7Euser", "/site/~user", "/site/c?", "/site/c", "/site/"),
            "/site/a?x=1&y=2": page("/site/"),
            "/site/%7Euser": page(),
            "/site/c": page(),
        })
        r = self.crawl("--resolve", "%s:127.0.0.1" % host, "http://%s/site/" % host)
        # The URL fetched is the first form seen.
        self.assertEqual(sorted(self.paths_seen()), ["/site/", "/site/%7Euser", "/site/a?x=1&y=2", "/site/c"])
        self.assertEqual(len(r.lines), 4, r.describe())

    def test_only_html_is_parsed_and_other_schemes_are_never_fetched(self):
        self.lay_out({
            "/site/": page("/site/file.pdf", "mailto:a@b.c", "javascript:void(0)", "ftp://127.0.0.1/x",
                           "tel:+1555", "data:text/html,<a href=/site/data>x</a>"),
            # A PDF whose bytes happen to hold a link: fetched once, not parsed.
            "/site/file.pdf": dict(body="%PDF-1.4 <a href='/site/secret'>x</a>", ctype="application/pdf"),
            "/site/secret": page(),
        })
        r = self.crawl(self.url("/site/"))
        self.assertEqual(sorted(self.paths_seen()), ["/site/", "/site/file.pdf"])
        self.assertEqual(len(r.lines), 2)

    def test_redirects_are_followed_within_scope_and_their_targets_are_seen(self):
        other = "other.test:%d" % self.port
        self.lay_out({
            "/site/": page("/site/r1", "/site/b", "/site/r2"),
            "/site/r1": dict(status=302, headers=[("Location", "/site/b")], body=""),
            "/site/r2": dict(status=302, headers=[("Location", "http://%s/site/out" % other)], body=""),
            "/site/b": page(),
            "/site/out": page(),
        })
        r = self.crawl("--resolve", "%s:127.0.0.1" % other, self.url("/site/"))
        paths = self.paths_seen()
        self.assertEqual(paths.count("/site/b"), 1, paths)
        self.assertNotIn("/site/out", paths)
        by_url = {o["url"]: o for o in r.lines}
        self.assertEqual(by_url[self.url("/site/r2")]["status"], 302)
        self.assertEqual(len(r.lines), 4, r.describe())  # /, r1 (or b), b (or r1's 302), r2

    def scope_site(self):
        port = self.port
        resolve = []
        for h in ("www.example.test", "blog.example.test", "other.test"):
            resolve += ["--resolve", "%s:%d:127.0.0.1" % (h, port)]
        self.lay_out({
            "www.example.test:%d/site/docs/" % port: page(
                "/site/docs/a", "/site/elsewhere", "http://blog.example.test:%d/site/b" % port,
                "http://other.test:%d/site/c" % port),
            "/site/docs/a": page(), "/site/elsewhere": page(), "/site/b": page(), "/site/c": page(),
        })
        return resolve, "http://www.example.test:%d/site/docs/" % port

    def hosts_and_paths(self):
        return sorted((r["host"].split(":")[0], r["raw_path"]) for r in self.requests_seen())

    def test_scope_host(self):
        resolve, seed = self.scope_site()
        self.crawl(*resolve, seed)
        self.assertEqual(self.hosts_and_paths(), [("www.example.test", "/site/docs/"),
                                                  ("www.example.test", "/site/docs/a"),
                                                  ("www.example.test", "/site/elsewhere")])

    def test_scope_prefix(self):
        resolve, seed = self.scope_site()
        self.crawl("--scope", "prefix", *resolve, seed)
        self.assertEqual(self.hosts_and_paths(), [("www.example.test", "/site/docs/"),
                                                  ("www.example.test", "/site/docs/a")])

    def test_scope_domain(self):
        resolve, seed = self.scope_site()
        self.crawl("--scope", "domain", *resolve, seed)
        self.assertEqual(self.hosts_and_paths(), [("blog.example.test", "/site/b"),
                                                  ("www.example.test", "/site/docs/"),
                                                  ("www.example.test", "/site/docs/a"),
                                                  ("www.example.test", "/site/elsewhere")])

    def test_scope_any(self):
        resolve, seed = self.scope_site()
        r = self.crawl("--scope", "any", *resolve, seed)
        self.assertEqual(len(self.hosts_and_paths()), 5)
        self.assertEqual(len(r.lines), 5)

    def test_include_and_exclude_match_the_canonical_url(self):
        self.lay_out({"/site/": page("/site/keep/1", "/site/keep/2", "/site/drop/3", "/site/keep/private")})
        self.crawl("--include", "/keep/", "--exclude", "private$", self.url("/site/"))
        self.assertEqual(sorted(self.paths_seen()), ["/site/", "/site/keep/1", "/site/keep/2"])

    def test_max_pages_gives_exactly_n_lines(self):
        r = self.crawl("--max-pages", "5", self.url("/tree/0?max=1000"))
        self.assertEqual(len(r.lines), 5, r.describe())
        self.assertEqual(len(self.paths_seen()), 5)

    def test_max_pages_per_host(self):
        other = "other.test:%d" % self.port
        self.lay_out({"/site/": page(*["/site/%d" % i for i in range(10)]
                                     + ["http://%s/site/o%d" % (other, i) for i in range(10)])})
        self.crawl("--scope", "any", "--max-pages-per-host", "4", "--resolve", "%s:127.0.0.1" % other,
                   self.url("/site/"))  # the pages not laid out are 404s: responses, not errors
        by_host = {}
        for r in self.requests_seen():
            by_host[r["host"].split(":")[0]] = by_host.get(r["host"].split(":")[0], 0) + 1
        self.assertEqual(by_host, {"127.0.0.1": 4, "other.test": 4})

    def test_per_host_caps_hold_during_a_crawl(self):
        self.crawl("-c", "8", "--per-host", "2", "--depth", "3", self.url("/tree/0?max=30&ms=100"))
        self.assertEqual(len(self.paths_seen()), 15)
        self.assertLessEqual(max(self.stats()["max_inflight_by_host"].values()), 2)
        self.assertEqual(max(self.stats()["max_inflight_by_host"].values()), 2)

    def test_seeds_seen_twice_make_one_line(self):
        r = self.crawl("--depth", "1", self.url("/tree/1?max=6"), self.url("/tree/1?max=6#again"),
                       self.url("/tree/3?max=6"))
        self.assertEqual(sorted(o["url"].split("#")[0] for o in r.lines),
                         sorted(self.url("/tree/%d?max=6" % n) for n in (1, 3, 4)))

    def test_with_robots_a_disallowed_page_found_makes_no_line(self):
        self.lay_out({
            "/robots.txt": dict(body="User-agent: *\nDisallow: /site/private\n", ctype="text/plain"),
            "/site/": page("/site/open", "/site/private/a"),
            "/site/open": page(),
        })
        summary = os.path.join(self.tmpdir(), "s.json")
        r = self.crawl("--robots", "--summary-json", summary, self.url("/site/"), self.url("/site/private/b"),
                       rc=1)  # the seed's robots_disallowed line
        self.assertNotIn("/site/private/a", self.paths_seen())
        by_url = {o["url"]: o for o in r.lines}
        self.assertEqual(sorted(by_url), sorted([self.url("/site/"), self.url("/site/open"),
                                                 self.url("/site/private/b")]))
        # A seed disallowed is a URL read: it has its line, as in a list.
        self.assertEqual(by_url[self.url("/site/private/b")]["error"]["kind"], "robots_disallowed")
        with open(summary) as f:
            self.assertEqual(json.load(f)["not_followed"]["robots"], 1)

    def test_match_status_finds_dead_links_through_the_pages_it_drops(self):
        self.lay_out({
            "/site/": page("/site/a", "/site/gone1"),
            "/site/a": page("/site/b", "/site/gone2"),
            "/site/b": page(),
        })
        r = self.crawl("--match-status", "404", self.url("/site/"))
        self.assertEqual(sorted((o["url"], o["parent"]) for o in r.lines),
                         [(self.url("/site/gone1"), self.url("/site/")),
                          (self.url("/site/gone2"), self.url("/site/a"))])

    # Found in review: each of these lost pages or did not end.

    def test_a_redirect_not_followed_does_not_hide_its_target(self):
        self.lay_out({
            "/site/": page("/site/r1", "/site/d"),
            "/site/r1": dict(status=302, headers=[("Location", "/site/r2")], body=""),
            "/site/r2": dict(status=302, headers=[("Location", "/site/c")], body=""),
            "/site/d": page("/site/c"),
            "/site/c": page(),
        })
        self.crawl("-c", "1", "--max-redirects", "1", self.url("/site/"), rc=1)  # r1: too_many_redirects
        self.assertIn("/site/c", self.paths_seen())

    def test_a_redirect_to_another_spelling_of_the_page_is_followed(self):
        self.lay_out({
            "/site/": page("/site/%7Euser/"),
            "/site/%7Euser/": dict(status=301, headers=[("Location", "/site/~user/")], body=""),
            "/site/~user/": page("deep"),
            "/site/~user/deep": page(),
        })
        self.crawl(self.url("/site/"))
        self.assertIn("/site/~user/deep", self.paths_seen())  # resolved against the final URL

    def test_a_seeds_own_redirect_is_followed_whatever_include_says(self):
        self.lay_out({
            "/site/": dict(status=302, headers=[("Location", "/site/en/")], body=""),
            "/site/en/": page("/site/en/docs/a", "/site/en/blog/b"),
            "/site/en/docs/a": page(),
        })
        self.crawl("--include", "/docs/", self.url("/site/"))
        self.assertEqual(sorted(self.paths_seen()), ["/site/", "/site/en/", "/site/en/docs/a"])

    def test_a_seed_spelled_otherwise_by_libcurl_keeps_its_scope(self):
        self.crawl("--depth", "1", "http://127.1:%d/tree/0?max=2" % self.port)
        self.assertEqual(sorted(self.paths_seen()), ["/tree/0?max=2", "/tree/1?max=2", "/tree/2?max=2"])

    def test_max_pages_bounds_the_lines_of_bad_seeds_too(self):
        r = self.crawl("--max-pages", "2", rc=1,
                       input="%s\nnot a url\nzz zz\n%s\n" % (self.url("/tree/0?max=0"), self.url("/tree/1?max=9")))
        self.assertEqual(len(r.lines), 2, r.describe())

    def test_max_pages_ends_the_run_with_its_input_still_open(self):
        p = subprocess.Popen([harness.volley_path(), "--crawl", "-q", "--max-pages", "3"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            p.stdin.write((self.url("/tree/0?max=100") + "\n").encode())
            p.stdin.flush()
            rc = p.wait(timeout=20)  # stdin still open: the spent budget ends the run
            self.assertEqual(rc, 0)
            self.assertEqual(len(p.stdout.read().splitlines()), 3)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdin.close()
            p.stdout.close()
            p.stderr.close()

    def test_bad_flags_end_before_any_request(self):
        for args in (["--depth", "-1"], ["--depth", "x"], ["--scope", "nowhere"], ["--include", "("],
                     ["--exclude", "a)"], ["--max-pages", "0"],
                     ["--resume", "-o", os.path.join(self.tmpdir(), "out.jsonl")]):
            r = self.volley("--crawl", *args, self.url("/tree/0"), rc=2)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("volley: error:"), (args, r.stderr))
        r = self.volley("--crawl", "--queue", "redis://127.0.0.1:1/s", rc=2)
        self.assertIn("--queue", r.stderr)
        r = self.volley("--crawl", "--shard", "1/2", self.url("/tree/0"), rc=2)
        self.assertIn("--shard", r.stderr)
        r = self.volley("--depth", "2", self.url("/tree/0"), rc=2)  # without --crawl
        self.assertEqual(self.paths_seen(), [])


if __name__ == "__main__":
    harness.main()
