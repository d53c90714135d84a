#!/usr/bin/env python3
"""The progress line (docs/behaviour.md, "The progress line"): on a terminal it shows done/total,
a percentage, an ETA and the RSS for a file input, what is known for a pipe, within the
terminal's width; stdout keeps only JSON lines; stderr that is no terminal never sees it; -v
logs the same figures every 10 s."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

CLEAR = "\r\x1b[K"
RSS = re.compile(r"RSS \d+(\.\d)? (B|KiB|MiB|GiB)")


class TestProgressLine(VolleyTestCase):
    def run_on_pty(self, args, cols=120, stdin_data=None):
        """volley with stderr on a terminal `cols` wide and stdout in a file: (exit status, what
        the terminal got, stdout's bytes)."""
        out_path = os.path.join(self.tmpdir(), "stdout")
        with open(out_path, "wb") as out:
            run = harness.PtyRun(self, args, stderr_tty=True, cols=cols, stdout=out,
                                 stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL)
        if stdin_data is not None:
            run.proc.stdin.write(stdin_data.encode())
            run.proc.stdin.close()
        rc = run.wait()
        with open(out_path, "rb") as f:
            return rc, run.data.decode("utf-8", "replace"), f.read()

    @staticmethod
    def redraws(terminal):
        """The lines drawn: what follows each erase, but the last, after which the summary comes."""
        return terminal.split(CLEAR)[1:-1]

    def slow_urls(self, n, first=0):
        return "".join(self.url("/delay/400?i=%d\n" % i) for i in range(first, first + n))

    def test_a_file_input_shows_its_total_percentage_eta_and_rss(self):
        # Two files: the total is across them; blank lines and comments are no URLs.
        a = self.write_file("# slow ones\n\n" + self.slow_urls(5), "a.txt")
        b = self.write_file(self.slow_urls(7, 5) + "\n", "b.txt")
        rc, terminal, stdout = self.run_on_pty(["-c", "2", "-i", a, "-i", b])
        self.assertEqual(rc, 0, terminal)
        drawn = self.redraws(terminal)
        self.assertTrue(drawn, terminal)
        full = [d for d in drawn if "/12" in d and "%" in d and "ETA" in d and RSS.search(d)]
        self.assertTrue(full, drawn)
        self.assertTrue(any(re.search(r"ETA \d+s", d) for d in drawn), drawn)
        self.assertFalse([d for d in drawn if "~" in d], "a small file is counted at once")
        lines = harness.parse_lines(stdout)
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 13)))
        self.assertNotIn(b"\r", stdout)
        self.assertNotIn(b"ETA", stdout)

    def test_a_narrow_terminal_never_wraps_the_line(self):
        path = self.write_file(self.slow_urls(6))
        rc, terminal, _ = self.run_on_pty(["-c", "2", "-i", path], cols=30)
        self.assertEqual(rc, 0, terminal)
        drawn = self.redraws(terminal)
        self.assertTrue(drawn, terminal)
        for d in drawn:
            self.assertLess(len(d), 30, d)
        self.assertTrue(all("/6" in d for d in drawn), drawn)

    def test_a_pipe_shows_what_is_known(self):
        rc, terminal, stdout = self.run_on_pty(["-c", "2"], stdin_data=self.slow_urls(6))
        self.assertEqual(rc, 0, terminal)
        drawn = self.redraws(terminal)
        self.assertTrue(drawn, terminal)
        for d in drawn:
            self.assertIn("done ", d)
            self.assertIn("in flight", d)
            self.assertRegex(d, RSS)
            self.assertNotIn("%", d)
            self.assertNotIn("ETA", d)
        self.assertEqual(len(harness.parse_lines(stdout)), 6)

    def test_resumed_lines_count_as_done(self):
        out = os.path.join(self.tmpdir(), "out.jsonl")
        urls = self.slow_urls(8)
        first = self.write_file("".join(urls.splitlines(True)[:4]), "first.txt")
        self.volley("-q", "-c", "4", "-i", first, "-o", out, rc=0)
        path = self.write_file(urls)
        rc, terminal, _ = self.run_on_pty(["-c", "2", "--resume", "-i", path, "-o", out])
        self.assertEqual(rc, 0, terminal)
        drawn = self.redraws(terminal)
        self.assertTrue(drawn, terminal)
        done = [int(m.group(1)) for m in (re.match(r"(\d+)/8 ", d) for d in drawn) if m]
        self.assertTrue(done, drawn)
        self.assertGreaterEqual(min(done), 4, drawn)

    def test_stderr_that_is_no_terminal_never_sees_the_line(self):
        path = self.write_file(self.slow_urls(4))
        r = self.volley("-c", "1", "-i", path, rc=0)
        self.assertEqual(len(r.lines), 4)
        for text in ("\r", "\x1b[K", "ETA", "in flight"):
            self.assertNotIn(text, r.stderr)
        # The summary names the peak RSS; the progress line's current figure never shows.
        self.assertNotRegex(r.stderr, r"(?<!peak )RSS")


class TestVerboseStatistics(VolleyTestCase):
    def test_verbose_logs_the_figures_with_rss_every_ten_seconds(self):
        r = self.volley("-v", self.url("/delay/10800"), rc=0, timeout=40)
        stats = [ln for ln in r.stderr.splitlines() if ": info: " in ln]
        self.assertEqual(len(stats), 1, r.stderr)
        self.assertRegex(stats[0], r": info: 0/1  0%  in flight 1  errors 0  0\.0/s  ETA --  RSS ")
        self.assertRegex(stats[0], RSS)
        self.assertNotIn("\r", r.stderr)


if __name__ == "__main__":
    harness.main()
