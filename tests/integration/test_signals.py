#!/usr/bin/env python3
"""SIGINT/SIGTERM, broken pipe, exit codes and usage errors."""

import os
import queue
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestSignals(VolleyTestCase):
    def signal_and_wait(self, p, sig, what, timeout=10):
        """Send sig and return the exit status; fail with `what` if volley does not exit in time."""
        p.send_signal(sig)
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.fail(what)

    def interrupt_run(self, sig, expected_rc):
        k = self.key()
        urls = [self.url("/delay/10000?key=%s&i=%d" % (k, i)) for i in range(20)]
        p = self.spawn(["-q", "-c", "5", "-i", self.write_file("\n".join(urls) + "\n")])
        reader = harness.LineReader(p.stdout)
        self.wait_inflight(5, key=k)
        t0 = time.monotonic()
        rc = self.signal_and_wait(p, sig, "volley did not exit within 10 s of signal %d" % sig)
        took = time.monotonic() - t0
        out = reader.all()
        err = p.stderr.read().decode("utf-8", "replace")
        lines = harness.parse_lines(out)
        self.assertEqual(rc, expected_rc, err)
        self.assertLess(took, 5, "exit after a signal should be prompt")
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 21)), out[:2000])
        self.assertEqual(sorted(o["url"] for o in lines), sorted(urls))
        for o in lines:
            self.assertErrorKind(o, "interrupted")

    def test_sigint(self):
        self.interrupt_run(signal.SIGINT, 130)

    def test_sigterm(self):
        self.interrupt_run(signal.SIGTERM, 143)

    def test_sigint_keeps_finished_results(self):
        done = [self.url("/size/%d" % i) for i in (1, 2, 3)]
        k = self.key()
        slow = [self.url("/delay/10000?key=%s&i=%d" % (k, i)) for i in range(4)]
        p = self.spawn(["-q", "-c", "10"] + done + slow)
        reader = harness.LineReader(p.stdout)
        first = []
        for _ in range(3):
            try:
                line = reader.get(timeout=10)
            except queue.Empty:
                self.fail("fast URLs produced no output")
            first.append(harness.parse_lines(line)[0])
        self.assertEqual(sorted(o["url"] for o in first), done)
        self.wait_inflight(4, key=k)
        rc = self.signal_and_wait(p, signal.SIGINT, "SIGINT ignored with transfers in flight")
        lines = harness.parse_lines(reader.all())  # all() includes the lines seen above
        self.assertEqual(rc, 130)
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 8)))
        got = {o["url"]: o for o in lines}
        for u in done:
            self.assertOk(got[u])
        for u in slow:
            self.assertErrorKind(got[u], "interrupted")

    def test_sigterm_does_not_wait_for_bodies_queued_for_parsing(self):
        # 40 complete 5 MB pages queued for --links: parsing them all takes many seconds, so the
        # signal must interrupt the ones not started rather than wait for them.
        urls = [self.url("/heavy?i=%d" % i) for i in range(40)]
        p = self.spawn(["-q", "-c", "40", "--links", "-i", self.write_file("\n".join(urls) + "\n")])
        reader = harness.LineReader(p.stdout)
        self.assertIsNotNone(reader.get(timeout=30), "no page was parsed within 30 s")
        t0 = time.monotonic()
        rc = self.signal_and_wait(p, signal.SIGTERM, "volley did not exit within 10 s of SIGTERM", timeout=20)
        took = time.monotonic() - t0
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 143)
        self.assertLess(took, 3, "SIGTERM waited for the queued pages to be parsed")
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 41)))
        interrupted = [o for o in lines if o["error"] and o["error"]["kind"] == "interrupted"]
        self.assertTrue(interrupted, "some pages should have been interrupted")
        for o in interrupted:
            if o["status"] is not None:
                self.assertEqual(o["status"], 200, "a page interrupted while queued keeps its status")

    def test_sigint_while_stdin_open(self):
        p = self.spawn(["-q"], stdin=subprocess.PIPE)
        reader = harness.LineReader(p.stdout)
        k = self.key()
        urls = [self.url("/delay/10000?key=%s&i=%d" % (k, i)) for i in range(2)]
        p.stdin.write(("\n".join(urls) + "\n").encode())
        p.stdin.flush()
        self.wait_inflight(2, key=k)
        rc = self.signal_and_wait(p, signal.SIGINT, "SIGINT ignored while stdin is still open")
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 130)
        self.assertEqual(sorted(o["url"] for o in lines), sorted(urls))
        for o in lines:
            self.assertErrorKind(o, "interrupted")

    def test_sigint_during_retry_wait(self):
        k = self.key()
        u = self.url("/flaky/%s/10" % k)
        p = self.spawn(["-q", "--retry-delay", "20", "--retry-max-delay", "20", u])
        reader = harness.LineReader(p.stdout)
        end = time.monotonic() + 10
        while self.path_count("/flaky/%s/10" % k) < 1 and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(0.3)
        rc = self.signal_and_wait(p, signal.SIGINT, "SIGINT did not cut the retry wait short")
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 130)
        self.assertEqual(len(lines), 1)
        self.assertErrorKind(lines[0], "interrupted")


    def test_sigint_during_rate_wait(self):
        urls = [self.url("/size/%d" % i) for i in (1, 2, 3)]
        p = self.spawn(["-q", "--rate", "0.2"] + urls)  # one new request per 5 s
        reader = harness.LineReader(p.stdout)
        try:
            first = harness.parse_lines(reader.get(timeout=10))[0]
        except queue.Empty:
            self.fail("first URL not fetched")
        self.assertOk(first)
        rc = self.signal_and_wait(p, signal.SIGINT, "SIGINT did not cut the rate-limit wait short", timeout=5)
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 130)
        self.assertEqual(sorted(o["seq"] for o in lines), [1, 2, 3])
        for o in lines:
            if o["seq"] != first["seq"]:
                self.assertErrorKind(o, "interrupted")
        self.assertEqual(self.stats()["count"], 1)

    def test_sigterm_idle_on_open_stdin(self):
        p = self.spawn(["-q"], stdin=subprocess.PIPE)
        self.wait_signal_handler(p, signal.SIGTERM)
        rc = self.signal_and_wait(p, signal.SIGTERM, "SIGTERM ignored while waiting for stdin")
        self.assertEqual(rc, 143)
        self.assertEqual(p.stdout.read(), b"")


class TestBrokenPipe(VolleyTestCase):
    def urls_file(self, n=2000):
        return self.write_file("\n".join(self.url("/size/%d" % (i % 100)) for i in range(n)) + "\n")

    def check_pipe(self, **popen_kw):
        p = self.spawn(["-q", "-i", self.urls_file()], **popen_kw)
        first = p.stdout.readline()
        harness.parse_lines(first)
        p.stdout.close()
        t0 = time.monotonic()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            self.fail("volley kept running for 10 s after its stdout was closed")
        err = p.stderr.read()
        self.assertLess(len(err), 1000, "stderr flood after broken pipe:\n%r" % err[:3000])
        self.assertLess(time.monotonic() - t0, 10)
        self.assertLess(self.stats()["count"], 2000, "volley went on fetching everything")

    def test_broken_pipe_default_sigpipe(self):
        self.check_pipe()

    def test_broken_pipe_sigpipe_ignored(self):
        # Python ignores SIGPIPE; restore_signals=False passes that on, so volley
        # sees EPIPE from write() instead of being killed by the signal.
        self.check_pipe(restore_signals=False)

    def test_pipe_into_head(self):
        cmd = "%s -q -i %s | head -1" % (harness.volley_path(), self.urls_file())
        t0 = time.monotonic()
        r = subprocess.run(["sh", "-c", cmd], capture_output=True, timeout=30,
                           env=harness.child_env())
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(len(harness.parse_lines(r.stdout)), 1)
        self.assertLess(len(r.stderr), 1000, r.stderr[:3000])


class TestExitCodes(VolleyTestCase):
    def test_all_ok_exit_0(self):
        self.volley("-q", self.url("/ok"), self.url("/size/5"), rc=0)

    def test_http_error_statuses_exit_0(self):
        self.volley("-q", "--retries", "0", self.url("/status/404"), self.url("/status/500"),
                    rc=0)

    def test_any_error_exit_1(self):
        r = self.volley("-q", "--retries", "0", self.url("/ok"),
                        "http://127.0.0.1:%d/" % harness.closed_port(), rc=1)
        self.assertEqual(len(r.lines), 2)

    def test_invalid_line_exit_1(self):
        self.volley("-q", self.url("/ok"), "ftp://127.0.0.1/", rc=1)

    def test_empty_input_exit_0(self):
        r = self.volley("-q", input="# only a comment\n\n", rc=0)
        self.assertEqual(r.lines, [])

    def check_usage_error(self, *args, input=None):
        r = self.volley(*args, input=input, rc=2, parse=False, timeout=20)
        self.assertEqual(r.stdout, b"", "usage errors print nothing on stdout")
        self.assertNotEqual(r.stderr.strip(), "", "a usage error needs a message on stderr")
        self.assertLess(len(r.stderr.splitlines()), 10, r.stderr)
        return r

    def test_unknown_flag(self):
        self.check_usage_error("--no-such-flag", self.url("/ok"))
        self.assertEqual(self.stats()["count"], 0)

    def test_bad_values(self):
        bad = [("-c", "abc"), ("--concurrency", "-3"), ("--timeout", "soon"),
               ("--retries", "x"), ("--max-body", "12Q"), ("--rate", "fast"),
               ("--per-host", "two"), ("--retry-delay", "later"), ("--max-redirects", "many"),
               ("--resolve", "junk"), ("--connect-timeout", "x"), ("--stall-timeout", "x"),
               ("--retry-max-delay", "x")]
        for flag, value in bad:
            with self.subTest(flag=flag, value=value):
                self.check_usage_error(flag, value, self.url("/ok"))
        self.assertEqual(self.stats()["count"], 0)

    def test_missing_value(self):
        self.check_usage_error(self.url("/ok"), "-c")

    def test_missing_input_file(self):
        r = self.check_usage_error("-i", "/nonexistent/volley/urls.txt")
        self.assertIn("/nonexistent/volley/urls.txt", r.stderr)

    def test_missing_input_file_among_good_ones(self):
        good = self.write_file(self.url("/ok") + "\n")
        self.check_usage_error("-i", good, "-i", "/nonexistent/volley/urls.txt")


if __name__ == "__main__":
    harness.main()
