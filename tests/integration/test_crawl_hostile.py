#!/usr/bin/env python3
"""--crawl on sites that would keep a crawler forever or blow it up (issue 20, "Politeness and
order", "Trap guards", "A hostile site"): nofollow under --robots, pages that generate links
without end, a redirect loop, a page of 200,000 links, and the summary's count of links not
followed by reason. Every run must end, give each URL one line, and ask the server for each
URL once. The sites are the test server's: /site/... laid out per test, and the generated
/grow/..., /double, /calendar, /fan/N and /leaf/N (tests/server/hostile_server.py)."""

import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

NOT_FOLLOWED = ("scheme", "scope", "excluded", "depth", "trap", "nofollow", "robots", "budget", "seen")


def page(*links, head=""):
    """A /site/ page: each link an href, or (href, rel)."""
    anchors = []
    for link in links:
        href, rel = (link, None) if isinstance(link, str) else link
        anchors.append('<a href="%s"%s>x</a>\n' % (href, ' rel="%s"' % rel if rel else ""))
    return dict(body="<html><head>%s</head><body>%s</body></html>" % (head, "".join(anchors)))


def redirect(to):
    return dict(status=302, headers=[("Location", to)], body="")


class TestCrawlHostile(VolleyTestCase):
    def lay_out(self, pages):
        self.srv.state.site = dict(pages)

    def crawl(self, *args, timeout=harness.DEFAULT_TIMEOUT):
        """Runs the crawl with --summary-json: (result, summary). It must end with exit 0, one
        line per URL, and one request per URL."""
        summary_path = os.path.join(self.tmpdir(), "summary.json")
        r = self.volley("--crawl", "-q", "--summary-json", summary_path, *args, rc=0, timeout=timeout)
        r.by_url()  # fails on a URL given two lines
        asked = collections.Counter(q["raw_path"] for q in self.requests_seen())
        self.assertEqual([p for p, n in asked.items() if n > 1], [], "requested more than once")
        with open(summary_path) as f:
            summary = json.load(f)
        self.assertEqual(sorted(summary["not_followed"]), sorted(NOT_FOLLOWED), summary)
        return r, summary

    def paths(self, r):
        return sorted(o["url"][len(self.url("")):] for o in r.lines)

    # -- nofollow (with --robots only)

    def nofollow_site(self):
        self.lay_out({
            "/site/": page("/site/plain", ("/site/rel", "nofollow"), ("/site/rel-upper", "NoFollow external"),
                           ("/site/both", "nofollow"), "/site/both", "/site/meta", "/site/meta-body",
                           "/site/noindex"),
            "/site/plain": page(),
            "/site/rel": page(),
            "/site/rel-upper": page(),
            "/site/both": page(),
            "/site/meta": page("/site/under-meta", head='<meta name="Robots" content="noindex, NoFollow">'),
            # A <meta> in the body is the page's all the same.
            "/site/meta-body": dict(body='<html><body><p>x<meta name=robots content=none></p>'
                                         '<a href="/site/under-meta-body">x</a></body></html>'),
            "/site/noindex": page("/site/under-noindex", head='<meta name="robots" content="noindex">'),
            "/site/under-meta": page(),
            "/site/under-meta-body": page(),
            "/site/under-noindex": page(),
        })

    def test_with_robots_nofollow_links_and_pages_are_not_followed(self):
        self.nofollow_site()
        r, s = self.crawl("--robots", self.url("/site/"))
        # A noindex page is still fetched and reported, and its links followed; a URL linked both
        # with and without rel=nofollow is followed.
        self.assertEqual(self.paths(r), ["/site/", "/site/both", "/site/meta", "/site/meta-body", "/site/noindex",
                                         "/site/plain", "/site/under-noindex"], r.describe())
        self.assertEqual(s["not_followed"]["nofollow"], 4, s)  # rel, rel-upper, under-meta, under-meta-body

    def test_without_robots_nofollow_is_followed(self):
        self.nofollow_site()
        r, s = self.crawl(self.url("/site/"))
        self.assertEqual(len(r.lines), 11, r.describe())
        self.assertEqual(s["not_followed"]["nofollow"], 0, s)

    # -- traps: each ends by a trap guard, --depth or --max-pages

    def test_a_path_that_grows_a_segment_per_page_stops_at_the_repeated_segment(self):
        r, s = self.crawl("--depth", "10", self.url("/grow/"))
        # A segment may occur three times; /grow/x/x/x/x/ is a trap.
        self.assertEqual(self.paths(r), ["/grow/", "/grow/x/", "/grow/x/x/", "/grow/x/x/x/"], r.describe())
        self.assertEqual(s["not_followed"]["trap"], 1, s)

    def test_a_query_that_doubles_per_page_stops_at_2000_characters(self):
        r, s = self.crawl("--depth", "14", self.url("/double?q=a"))
        lengths = sorted(len(o["url"]) for o in r.lines)
        # q of 1, 2, 4, ... 1024 characters; the next URL is over 2,000.
        self.assertEqual(len(r.lines), 11, r.describe())
        self.assertLessEqual(lengths[-1], 2000)
        self.assertEqual(s["not_followed"]["trap"], 1, s)

    def test_an_endless_calendar_ends_at_max_pages(self):
        r, s = self.crawl("--depth", "100000", "--max-pages", "25", self.url("/calendar?month=0"))
        self.assertEqual(len(r.lines), 25, r.describe())
        self.assertGreater(s["not_followed"]["budget"], 0, s)
        self.assertGreater(s["not_followed"]["seen"], 0, s)  # each month links back to the one before

    def test_an_endless_calendar_ends_at_depth(self):
        r, s = self.crawl("--depth", "3", self.url("/calendar?month=0"))
        months = sorted(int(o["url"].rsplit("=", 1)[1]) for o in r.lines)
        self.assertEqual(months, list(range(-3, 4)), r.describe())
        self.assertEqual(max(o["depth"] for o in r.lines), 3)
        self.assertEqual(s["not_followed"]["depth"], 4, s)  # months -4 and 4, and -2 and 2 again

    # -- a redirect loop

    def test_a_redirect_loop_between_two_pages_fetches_each_once(self):
        self.lay_out({
            "/site/": page("/site/a", "/site/b"),
            "/site/a": redirect("/site/b"),
            "/site/b": redirect("/site/a"),
        })
        r, _ = self.crawl(self.url("/site/"))
        self.assertEqual(self.paths(r), ["/site/", "/site/a", "/site/b"], r.describe())
        for o in r.lines:
            if o["url"] != self.url("/site/"):
                self.assertEqual(o["status"], 302, o)  # the hop back is not followed: the line is its 3xx

    def test_a_page_that_redirects_to_itself_ends_at_max_redirects(self):
        # Another spelling of the page itself is followed (a cookie check's 302 to its own URL
        # answers 200 the second time), so a page that always does is a loop --max-redirects ends,
        # as it is for a list.
        self.lay_out({"/site/": page("/site/self"), "/site/self": redirect("/site/self")})
        r = self.volley("--crawl", "-q", "--max-redirects", "3", self.url("/site/"), rc=1)
        by_url = r.by_url()
        self.assertEqual(by_url[self.url("/site/self")]["error"]["kind"], "too_many_redirects")
        self.assertEqual([q["raw_path"] for q in self.requests_seen()].count("/site/self"), 4)

    def test_a_redirect_loop_from_a_seed_ends(self):
        self.lay_out({"/site/a": redirect("/site/b"), "/site/b": redirect("/site/a")})
        r, _ = self.crawl(self.url("/site/a"))
        self.assertEqual(len(r.lines), 1, r.describe())
        self.assertEqual(r.lines[0]["status"], 302, r.describe())
        self.assertEqual(sorted(q["path"] for q in self.requests_seen()), ["/site/a", "/site/b"])

    # -- a page of 200,000 links

    def test_a_page_of_200000_links_at_max_pages_50(self):
        links = 200000
        r, s = self.crawl("--depth", "1", "--max-pages", "50", self.url("/fan/%d" % links), timeout=120)
        self.assertEqual(len(r.lines), 50, r.describe())
        self.assertTrue(all(o["status"] == 200 for o in r.lines), r.describe())
        self.assertEqual(s["not_followed"]["budget"], links - 49, s)
        self.assertEqual(len(self.requests_seen()), 50)
        if not harness.sanitized():
            # The page is ~4.6 MB: its body, text, scan and links are a few times that at most.
            self.assertLess(s["peak_rss_bytes"], 192 << 20, s)

    # -- the summary's count by reason

    def test_not_followed_counts_each_reason(self):
        other = "http://localhost:%d/site/away" % self.port  # another host name: out of --scope host
        self.lay_out({
            "/site/": page("mailto:someone@example.test", "javascript:void(0)", other, "/site/", "/site/skip-me",
                           "/site/kept"),
            "/site/kept": page(),
        })
        r, s = self.crawl("--exclude", "skip-me", self.url("/site/"))
        self.assertEqual(self.paths(r), ["/site/", "/site/kept"], r.describe())
        self.assertEqual(s["not_followed"], {"scheme": 2, "scope": 1, "excluded": 1, "depth": 0, "trap": 0,
                                             "nofollow": 0, "robots": 0, "budget": 0, "seen": 1}, s)


if __name__ == "__main__":
    harness.main()
