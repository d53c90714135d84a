#!/usr/bin/env python3
"""--crawl with --state (docs/crawl-state.md): kill -9 and --resume (every page once), three
nights with ETags (304s still reach every page, a new link is found), and the peak RSS of a large
crawl with its frontier on disk."""

import json
import os
import signal
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


def read_lines(path):
    with open(path, "rb") as f:
        return harness.parse_lines(f.read())


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def tree_page(url):
    """/tree/N?... -> N"""
    return int(url.split("/tree/", 1)[1].split("?", 1)[0])


def tree_depth(n, fan):
    depth = 0
    while n:
        n = (n - 1) // fan
        depth += 1
    return depth


class TestCrawlResume(VolleyTestCase):
    PAGES = 2000
    FAN = 10

    def seed(self):
        return self.url("/tree/0?max=%d&fan=%d" % (self.PAGES, self.FAN))

    def tree_counts(self):
        return {tree_page(p): c for p, c in self.stats()["count_by_path"].items() if p.startswith("/tree/")}

    def kill_and_resume(self, after_lines):
        d = self.tmpdir()
        out, db = os.path.join(d, "out.jsonl"), os.path.join(d, "state.db")
        args = ["--crawl", self.seed(), "--state", db, "-o", out, "-c", "4"]
        p = self.spawn(args)
        deadline = time.monotonic() + 60
        while count_lines(out) < after_lines and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        self.assertIsNone(p.poll(), "the crawl ended before %d lines: nothing to resume" % after_lines)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        first = read_lines(out) if count_lines(out) else []
        first_done = {o["url"] for o in first if not (o["error"] and o["error"]["kind"] == "interrupted")}
        # What the state file holds at the kill: the pages whose links reached it.
        with sqlite3.connect(db) as conn:
            self.assertEqual(conn.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            stored_done = {u for (u,) in conn.execute("SELECT url FROM crawl_pages WHERE done = 1")}
        r = self.volley(*args, "--resume", rc=0, timeout=120)
        lines = read_lines(out)
        urls = [o["url"] for o in lines]
        # Every reachable page exactly once across both runs.
        self.assertEqual(len(urls), len(set(urls)), "a page has two lines")
        self.assertEqual(sorted(tree_page(u) for u in urls), list(range(self.PAGES + 1)), r.describe())
        seqs = [o["seq"] for o in lines]
        self.assertEqual(len(seqs), len(set(seqs)), "two lines share a seq")
        for o in lines:
            n = tree_page(o["url"])
            self.assertEqual(o["status"], 200)
            self.assertEqual(o["depth"], tree_depth(n, self.FAN), o)
            if n:
                self.assertEqual(tree_page(o["parent"]), (n - 1) // self.FAN, o)
            else:
                self.assertIsNone(o["parent"])
        # Requested again: only pages in flight at the kill (no finished line), and pages whose
        # line went out but whose links had not reached the store (fetched for them alone).
        twice = {n for n, c in self.tree_counts().items() if c > 1}
        for n, c in self.tree_counts().items():
            self.assertLessEqual(c, 2, "page %d requested %d times" % (n, c))
        by_page = {tree_page(u): u for u in urls}
        for n in twice:
            self.assertTrue(by_page[n] not in first_done or by_page[n] not in stored_done,
                            "page %d was requested again though its line and its links were kept" % n)
        return len(first), len(twice)

    def test_killed_early_the_crawl_goes_on_from_the_store(self):
        # After 30 lines most of the frontier has not been committed yet.
        self.kill_and_resume(30)

    def test_killed_late_every_page_is_still_found_once(self):
        self.kill_and_resume(1200)

    def test_resume_without_a_kill_fetches_nothing(self):
        d = self.tmpdir()
        out, db = os.path.join(d, "out.jsonl"), os.path.join(d, "state.db")
        seed = self.url("/tree/0?max=40&fan=3")
        self.volley("--crawl", seed, "--state", db, "-o", out, rc=0)
        before = self.stats()["count"]
        self.volley("--crawl", seed, "--state", db, "-o", out, "--resume", rc=0)
        self.assertEqual(self.stats()["count"], before)
        self.assertEqual(len(read_lines(out)), 41)


class TestCrawlNights(VolleyTestCase):
    def lay_out(self, extra_link=False):
        """/site/pN, N < 40: a tree of fan 3, each page with its ETag; with `extra_link`, p7
        links /site/new too (and its ETag changes)."""
        site = {}
        for n in range(40):
            kids = [c for c in range(3 * n + 1, 3 * n + 4) if c < 40]
            links = "".join('<a href="/site/p%d">p%d</a>' % (c, c) for c in kids)
            etag = '"p%d"' % n
            if extra_link and n == 7:
                links += '<a href="/site/new">new</a>'
                etag = '"p7-2"'
            site["/site/p%d" % n] = {"body": "<html><body>%s</body></html>" % links, "etag": etag}
        site["/site/new"] = {"body": "<html><body>new</body></html>", "etag": '"new"'}
        self.srv.state.site = site

    def night(self, db, *extra):
        out = os.path.join(self.tmpdir(), "out.jsonl")
        self.volley("--crawl", self.url("/site/p0"), "--state", db, "-o", out, *extra, rc=0)
        return {o["url"].split("/site/", 1)[1]: o for o in read_lines(out)}

    def test_three_nights_with_etags(self):
        db = os.path.join(self.tmpdir(), "state.db")
        self.lay_out()
        first = self.night(db)
        self.assertEqual(sorted(first), sorted("p%d" % n for n in range(40)))
        self.assertTrue(all(o["status"] == 200 and o["changed"] for o in first.values()))
        # Night 2: every page answers 304, and the stored outlinks still reach all of them.
        second = self.night(db)
        self.assertEqual(sorted(second), sorted(first))
        self.assertEqual({o["status"] for o in second.values()}, {304})
        self.assertTrue(all(o["changed"] is False and o["last_fetched"] for o in second.values()))
        # Night 3: p7 changed and links a new page, which is found; the rest is unchanged.
        self.lay_out(extra_link=True)
        third = self.night(db)
        self.assertEqual(sorted(third), sorted(list(first) + ["new"]))
        self.assertEqual(third["p7"]["status"], 200)
        self.assertTrue(third["p7"]["changed"])
        self.assertEqual(third["new"]["parent"], self.url("/site/p7"))
        self.assertTrue(third["new"]["changed"])
        self.assertIsNone(third["new"]["last_fetched"])
        self.assertEqual({third[k]["status"] for k in third if k not in ("p7", "new")}, {304})

    def test_cached_pages_expand_from_their_stored_links(self):
        db = os.path.join(self.tmpdir(), "state.db")
        self.lay_out()
        self.night(db)
        before = self.stats()["count"]
        cached = self.night(db, "--max-age", "1h")
        self.assertEqual(sorted(cached), sorted("p%d" % n for n in range(40)))
        self.assertTrue(all(o["cached"] for o in cached.values()))
        self.assertEqual(self.stats()["count"], before)


class TestCrawlMemory(VolleyTestCase):
    def test_a_crawl_of_200000_pages_with_state_stays_under_64_mib(self):
        if harness.sanitized():
            self.skipTest("AddressSanitizer's shadow memory is not the release build's")
        d = self.tmpdir()
        out, db, summary = (os.path.join(d, n) for n in ("out.jsonl", "state.db", "summary.json"))
        # Fan 1000: the first 200 pages find the 200,000 others, so the frontier holds nearly all
        # of them at once, far past the 10,000 kept in memory.
        seed = self.url("/tree/0?max=200000&fan=1000")
        self.volley("--crawl", seed, "--state", db, "-o", out, "-c", "32", "--summary-json", summary,
                    rc=0, timeout=900)
        self.assertEqual(count_lines(out), 200001)
        with open(summary) as f:
            peak = json.load(f)["peak_rss_bytes"]
        print("\n200,001 pages with --state: peak RSS %.1f MiB" % (peak / 2**20), file=sys.stderr)
        self.assertLess(peak, 64 << 20)


class TestCrawlWal(VolleyTestCase):
    def test_the_wal_stays_small_while_the_crawl_reads_all_the_time(self):
        # The crawl reads the file every turn (its frontier, its outlinks): a read snapshot held
        # from one turn to the next kept the WAL from restarting, and it grew with the crawl
        # (90 MiB at 60,000 pages, 1.6 GB at a million). Let go before each wait, it stays small.
        d = self.tmpdir()
        out, db = os.path.join(d, "out.jsonl"), os.path.join(d, "state.db")
        p = self.spawn(["--crawl", "-q", "-c", "32", "--state", db, "-o", out,
                        self.url("/tree/0?max=30000&fan=50")])
        peak = 0
        deadline = time.monotonic() + 600
        while p.poll() is None and time.monotonic() < deadline:
            try:
                peak = max(peak, os.path.getsize(db + "-wal"))
            except OSError:
                pass
            time.sleep(0.02)
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(count_lines(out), 30001)
        self.assertLess(peak, 16 << 20, "peak WAL %.1f MiB" % (peak / 2**20))


if __name__ == "__main__":
    unittest.main()
