#!/usr/bin/env python3
"""What a line says and what goes with it: --save follows the status filters and
creates its directory's parents, `elapsed` spans every attempt, --headers values
have one type per name."""

import json
import os
import signal
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestSaveFollowsFilters(VolleyTestCase):
    def statuses(self):
        return [self.url("/status/200"), self.url("/status/404"), self.url("/status/500")]

    def test_match_status_saves_only_lines_written(self):
        d = self.tmpdir()
        out = self.volley("-q", "--retries", "0", "--save", d, "--match-status", "200",
                          *self.statuses(), rc=0).lines
        self.assertEqual([o["status"] for o in out], [200])
        self.assertEqual(out[0]["saved"], os.path.join(d, "1.body"))
        self.assertEqual(os.listdir(d), ["1.body"])

    def test_filter_status_saves_only_lines_written(self):
        d = self.tmpdir()
        out = self.volley("-q", "--retries", "0", "--save", d, "--filter-status", "400-599",
                          *self.statuses(), rc=0).lines
        self.assertEqual([o["status"] for o in out], [200])
        self.assertEqual(os.listdir(d), ["1.body"])

    def test_save_creates_missing_parents(self):
        top = self.tmpdir()
        d = os.path.join(top, "a", "b", "c")
        o = self.volley("-q", "--save", d + "/", self.url("/ok"), rc=0).one()
        self.assertEqual(o["saved"], os.path.join(d, "1.body"))
        with open(o["saved"], "rb") as f:
            self.assertEqual(f.read(), b"hello\n")
        old = os.umask(0)
        os.umask(old)
        for sub in ("a", "a/b", "a/b/c"):
            mode = stat.S_IMODE(os.stat(os.path.join(top, sub)).st_mode)
            self.assertEqual(mode, 0o755 & ~old, sub)

    def test_save_under_a_file_is_a_usage_error(self):
        path = self.write_file("x", "not-a-dir")
        r = self.volley("--save", os.path.join(path, "sub"), self.url("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")
        self.assertIn("--save", r.stderr)


class TestOutputDirectories(VolleyTestCase):
    """-o and --summary-json create missing directories, as --save does (and wget): docs/cron.md's
    script writes out/$day.jsonl on its first night."""

    def test_output_and_summary_create_missing_parents(self):
        top = self.tmpdir()
        out = os.path.join(top, "out", "2026-12-06", "night.jsonl")
        summary = os.path.join(top, "reports", "night.summary.json")
        self.volley("-q", "-o", out, "--summary-json", summary, self.url("/ok"), rc=0)
        with open(out, "rb") as f:
            self.assertEqual(harness.parse_lines(f.read())[0]["status"], 200)
        with open(summary) as f:
            self.assertEqual(json.load(f)["urls"], 1)
        old = os.umask(0)
        os.umask(old)
        for sub in ("out", "out/2026-12-06", "reports"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(top, sub)).st_mode), 0o755 & ~old, sub)

    def test_resume_creates_missing_parents(self):
        out = os.path.join(self.tmpdir(), "out", "night.jsonl")
        self.volley("-q", "--resume", "-o", out, self.url("/ok"), rc=0)
        self.assertTrue(os.path.isfile(out))

    def test_a_file_in_the_way_is_a_usage_error_before_fetching(self):
        blocker = self.write_file("x", "out")
        r = self.volley("-q", "-o", os.path.join(blocker, "night.jsonl"), self.url("/ok"), rc=2, parse=False)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertIn("Not a directory", r.stderr)
        self.assertEqual(self.path_count("/ok"), 0)


class TestElapsed(VolleyTestCase):
    def test_elapsed_spans_every_attempt(self):
        # The backoff is jittered within [delay/2, delay]: a 2 s delay waits at least 1 s.
        o = self.volley("-q", "--retry-delay", "2", self.url("/flaky/%s/1" % self.key()), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["attempts"], 2)
        self.assertGreaterEqual(o["elapsed"], 0.95)
        self.assertLess(o["time"]["total"], o["elapsed"] - 0.9, "time is the last attempt only")

    def test_elapsed_of_one_attempt_covers_its_time(self):
        o = self.volley("-q", self.url("/delay/200"), rc=0).one()
        self.assertGreaterEqual(o["elapsed"], o["time"]["total"])
        self.assertLess(o["elapsed"], 10)

    def test_refused_line_has_zero_elapsed(self):
        o = self.volley("-q", "ftp://127.0.0.1/x", rc=1).one()
        self.assertErrorKind(o, "unsupported_scheme")
        self.assertEqual(o["elapsed"], 0)

    def test_interrupted_line_counts_to_the_interruption(self):
        p = self.spawn(["-q", self.url("/never")])
        self.wait_inflight(1)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 128 + signal.SIGTERM)
        o = harness.parse_lines(out)[0]
        self.assertErrorKind(o, "interrupted")
        self.assertGreater(o["elapsed"], 0)
        self.assertGreaterEqual(o["elapsed"], o["time"]["total"])


class TestHeaderValues(VolleyTestCase):
    def test_repeated_header_is_one_string_and_set_cookie_an_array(self):
        h = self.volley("-q", "--headers", self.url("/cookies/1"), rc=0).one()["headers"]
        self.assertEqual(h["set-cookie"], ["c0=0"])
        self.assertEqual(h["x-rep"], "1, 2")
        self.assertEqual(h["x-one"], "a, b")
        for name, value in h.items():
            if name != "set-cookie":
                self.assertIsInstance(value, str, name)

    def test_set_cookie_keeps_every_value(self):
        h = self.volley("-q", "--headers", self.url("/cookies/3"), rc=0).one()["headers"]
        self.assertEqual(h["set-cookie"], ["c0=0", "c1=1", "c2=2"])

    def test_set_cookie_absent_when_not_sent(self):
        h = self.volley("-q", "--headers", self.url("/ok"), rc=0).one()["headers"]
        self.assertNotIn("set-cookie", h)


if __name__ == "__main__":
    unittest.main()
