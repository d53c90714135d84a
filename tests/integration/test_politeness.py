#!/usr/bin/env python3
"""Politeness and dead hosts (issue 9): --per-host-delay, back-off on Retry-After, --host-errors,
and reading past one busy host, seen from the server's arrival times."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestPoliteness(VolleyTestCase):
    server_per_class = False  # fresh server per test: its request log is this test's alone

    def setUp(self):
        super().setUp()
        self.srv, self.port = self.start_server()

    def hosts(self, *names):
        args = []
        for h in names:
            args += ["--resolve", "%s:%d:127.0.0.1" % (h, self.port)]
        return args

    def hurl(self, host, path):
        return "http://%s:%d%s" % (host, self.port, path)

    def arrivals(self, host):
        want = "%s:%d" % (host, self.port)
        return sorted(r["t"] for r in self.requests_seen() if r["host"] == want)

    def run_list(self, urls, *args, rc=0, timeout=120):
        path = self.write_file("\n".join(urls) + "\n")
        r = self.volley("-q", *args, "-i", path, timeout=timeout, rc=rc)
        self.assertEqual(sorted(o["seq"] for o in r.lines), list(range(1, len(urls) + 1)), r.describe())
        return r

    def test_per_host_delay_spaces_arrivals_while_another_host_goes_on(self):
        urls = [self.hurl("a.test", "/ok?n=%d" % i) for i in range(5)]
        urls += [self.hurl("b.test", "/delay/50?n=%d" % i) for i in range(5)]
        # Starts are 0.5 s apart; arrivals may bunch by a little scheduling noise, never by half.
        self.run_list(urls, "--per-host-delay", "0.5", "--per-host", "4", *self.hosts("a.test", "b.test"))
        for host in ("a.test", "b.test"):
            t = self.arrivals(host)
            self.assertEqual(len(t), 5, host)
            gaps = [b - a for a, b in zip(t, t[1:])]
            self.assertTrue(all(g >= 0.35 for g in gaps), "%s arrivals too close: %s" % (host, gaps))
        # The hosts were paced side by side, not one after the other.
        a, b = self.arrivals("a.test"), self.arrivals("b.test")
        self.assertLess(abs(a[0] - b[0]), 0.4, (a, b))

    def test_retry_after_pauses_the_whole_host_and_not_the_others(self):
        key = self.key()
        urls = [self.hurl("a.test", "/retry-after/%s/3?status=503" % key)]
        urls += [self.hurl("a.test", "/ok?n=%d" % i) for i in range(4)]
        urls += [self.hurl("b.test", "/delay/100?n=%d" % i) for i in range(6)]
        r = self.run_list(urls, "--per-host", "1", *self.hosts("a.test", "b.test"))
        for o in r.lines:
            self.assertOk(o)
        log = self.requests_seen()
        first = [x["t"] for x in log if x["path"].startswith("/retry-after/")]
        self.assertEqual(len(first), 2)  # the 503, then the retry
        paused_at = first[0]
        later_a = [t for t in self.arrivals("a.test") if t > paused_at]
        self.assertEqual(len(later_a), 5)
        # Nothing reached a.test during its 3 s pause (minus a little clock slack).
        self.assertGreaterEqual(min(later_a) - paused_at, 2.7, later_a)
        # b.test went on meanwhile: its six 100 ms requests, one at a time, ended well inside it.
        b = self.arrivals("b.test")
        self.assertEqual(len(b), 6)
        self.assertLess(max(b), paused_at + 2.5, (paused_at, b))

    # Issue 17: a redirect hop is a request to its own host, so it waits for that host's cap,
    # delay and pause like a URL read from the input.
    def test_per_host_delay_spaces_redirect_hops(self):
        self.run_list([self.hurl("a.test", "/redirect/3")], "--per-host", "1", "--per-host-delay", "0.5",
                      *self.hosts("a.test"))
        t = self.arrivals("a.test")
        self.assertEqual(len(t), 4)
        gaps = [b - a for a, b in zip(t, t[1:])]
        self.assertTrue(all(g >= 0.35 for g in gaps), "hops too close: %s" % gaps)

    def test_redirect_to_another_host_waits_for_its_cap(self):
        hop = self.hurl("b.test", "/delay/600?n=hop")
        urls = [self.hurl("a.test", "/to-host?url=" + quote(hop, safe="")), self.hurl("b.test", "/delay/600?n=1")]
        r = self.run_list(urls, "--per-host", "1", *self.hosts("a.test", "b.test"))
        for o in r.lines:
            self.assertOk(o)
        self.assertEqual(r.by_url()[urls[0]]["final_url"], hop)
        b = self.arrivals("b.test")
        self.assertEqual(len(b), 2)
        # One at a time on b.test: the second arrives once the first's 600 ms reply is done.
        self.assertGreaterEqual(b[1] - b[0], 0.5, b)

    def test_retry_after_on_a_hop_pauses_the_hops_host(self):
        key = self.key()
        hop = self.hurl("b.test", "/retry-after/%s/3?status=503" % key)
        p = self.spawn(["-q", "--per-host", "1", *self.hosts("a.test", "b.test")], stdin=subprocess.PIPE)
        p.stdin.write((self.hurl("a.test", "/to-host?url=" + quote(hop, safe="")) + "\n").encode())
        p.stdin.flush()
        end = time.monotonic() + 10
        while time.monotonic() < end and not self.arrivals("b.test"):
            time.sleep(0.02)
        paused_at = self.arrivals("b.test")[0]
        later = [self.hurl(h, "/ok?n=%d" % i) for i in range(3) for h in ("a.test", "b.test")]
        out, err = p.communicate(input="".join(u + "\n" for u in later).encode(), timeout=30)
        self.assertEqual(p.returncode, 0, err)
        lines = harness.parse_lines(out)
        self.assertEqual(len(lines), 7, err)
        for o in lines:
            self.assertOk(o)
        # b.test, which asked for the pause, got nothing for 3 s (less clock slack); a.test went on.
        later_b = [t for t in self.arrivals("b.test") if t > paused_at]
        self.assertEqual(len(later_b), 4)  # the hop's retry and three URLs
        self.assertGreaterEqual(min(later_b) - paused_at, 2.7, later_b)
        later_a = [t for t in self.arrivals("a.test") if t > paused_at]
        self.assertEqual(len(later_a), 3)
        self.assertLess(max(later_a) - paused_at, 2.0, later_a)

    def test_dead_host_closed_port_ends_as_host_unreachable(self):
        dead = harness.closed_port()
        urls = ["http://127.0.0.1:%d/%d" % (dead, i) for i in range(1000)]
        urls.insert(500, self.url("/ok"))
        start = time.monotonic()
        r = self.run_list(urls, rc=1, timeout=60)
        elapsed = time.monotonic() - start
        kinds = {}
        for o in r.lines:
            if o["url"] == self.url("/ok"):
                self.assertOk(o)
                continue
            kinds[o["error"]["kind"]] = kinds.get(o["error"]["kind"], 0) + 1
            if o["error"]["kind"] == "host_unreachable":
                self.assertTrue(o["error"]["message"].startswith("connect: "), o)
        # The one refusal that gave the host up stays a connect error.
        self.assertEqual(kinds, {"connect": 1, "host_unreachable": 999}, kinds)
        attempts = sum(o["attempts"] for o in r.lines)
        self.assertLess(attempts, 100, "the dead host was tried %d times" % attempts)
        self.assertLess(elapsed, 20, elapsed)

    def test_dead_host_timeouts_end_in_seconds_not_timeouts_times_urls(self):
        hole = harness.BlackholeListener()
        self.addCleanup(hole.close)
        urls = ["http://127.0.0.1:%d/%d" % (hole.port, i) for i in range(1000)]
        start = time.monotonic()
        # Without the give-up: 1,000 URLs × 3 attempts × 1 s / 50 at a time ≈ a minute.
        r = self.run_list(urls, "--connect-timeout", "1", rc=1, timeout=90)
        elapsed = time.monotonic() - start
        kinds = [o["error"]["kind"] for o in r.lines]
        self.assertEqual(kinds.count("timeout"), 1)  # the one that gave the host up
        self.assertEqual(kinds.count("host_unreachable"), 999)
        for o in r.lines:
            if o["error"]["kind"] == "host_unreachable":
                self.assertTrue(o["error"]["message"].startswith("timeout: "), o)
        self.assertLess(elapsed, 15, "1,000 URLs of a dead host took %.1f s" % elapsed)

    def test_the_timeout_that_gives_a_host_up_stays_a_timeout(self):
        # Five at once time out together; the fifth of them gives the host up and is still the
        # timeout it was: only the URLs after it are host_unreachable.
        hole = harness.BlackholeListener()
        self.addCleanup(hole.close)
        urls = ["http://127.0.0.1:%d/%d" % (hole.port, i) for i in range(10)]
        r = self.run_list(urls, "--host-errors", "5", "--retries", "0", "-c", "5", "--connect-timeout", "1",
                          rc=1, timeout=60)
        lines = r.by_seq()
        self.assertEqual([o["error"]["kind"] for o in lines], ["timeout"] * 5 + ["host_unreachable"] * 5,
                         r.describe())
        # (One of them may have started as a slot freed a moment before the host was given up.)
        for o in lines[5:]:
            self.assertTrue(o["error"]["message"].startswith("timeout: "), o)

    def test_the_refusal_that_gives_a_host_up_stays_connect_and_is_not_retried(self):
        dead = harness.closed_port()
        urls = ["http://127.0.0.1:%d/%d" % (dead, i) for i in range(6)]
        r = self.run_list(urls, "--host-errors", "3", "--retries", "2", "-c", "1", rc=1)
        kinds = [o["error"]["kind"] for o in r.lines]
        self.assertEqual(sorted(kinds), ["connect"] + ["host_unreachable"] * 5, r.describe())
        # The third refusal gave the host up, and nothing was tried after it: not its retries.
        self.assertEqual(sum(o["attempts"] for o in r.lines), 3, r.describe())

    def test_host_errors_0_tries_every_url(self):
        dead = harness.closed_port()
        urls = ["http://127.0.0.1:%d/%d" % (dead, i) for i in range(20)]
        r = self.run_list(urls, "--host-errors", "0", "--retries", "0", rc=1)
        for o in r.lines:
            self.assertEqual(o["error"]["kind"], "connect", o)
            self.assertEqual(o["attempts"], 1)

    def test_one_busy_host_does_not_idle_the_others(self):
        # Issue 9's reproduction (4,200 URLs of one host, then 20 of another, --per-host 4), with
        # the first host's list long enough that the old 4,096-URL window shows: b.test's URLs
        # were read only after a.test's first 3,900 had finished.
        urls = [self.hurl("a.test", "/ok?n=%d" % i) for i in range(8000)]
        urls += [self.hurl("b.test", "/ok?n=%d" % i) for i in range(20)]
        r = self.run_list(urls, "--per-host", "4", "-c", "10", *self.hosts("a.test", "b.test"), timeout=300)
        order = [o["url"].startswith("http://b.test") for o in r.lines]  # output is in finishing order
        last_b = max(i for i, is_b in enumerate(order) if is_b)
        self.assertEqual(sum(order), 20)
        self.assertLess(last_b, 400, "b.test's URLs finished only after %d lines" % last_b)

    def test_interrupt_with_a_full_read_ahead_writes_every_line(self):
        # A full read-ahead window waiting on one host (tens of thousands of URLs, as many as its
        # 32 MiB hold): their interrupted lines take longer to write than the writer's 250 ms
        # grace after a signal, which is for an output that takes nothing.
        path = self.write_file("".join(self.hurl("a.test", "/delay/3000?n=%d\n" % i) for i in range(120000)))
        out = os.path.join(self.tmpdir(), "out.jsonl")
        p = self.spawn(["--per-host", "1", "-i", path, "-o", out, *self.hosts("a.test")])
        self.wait_inflight(1)
        self.wait_signal_handler(p, signal.SIGINT)
        self.wait_reading_stops(p)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertNotIn(b"output blocked", err)
        summary = re.search(rb"volley: (\d+) URLs", err)
        self.assertIsNotNone(summary, err)
        with open(out) as f:
            seqs = sorted(json.loads(line)["seq"] for line in f)
        self.assertGreater(len(seqs), 40000)
        self.assertEqual(seqs, list(range(1, int(summary.group(1)) + 1)))

    def test_the_read_ahead_holds_long_urls_within_its_byte_budget(self):
        # 40,000 URLs of 1 KiB waiting on a host that Retry-After paused: by count alone all of
        # them were read (130 MiB); the window's 32 MiB budget keeps the whole run under 64 MiB.
        key = self.key()
        pad = "x" * 1000
        urls = [self.hurl("a.test", "/retry-after/%s/30" % key)]
        urls += [self.hurl("a.test", "/ok?n=%d&pad=%s" % (i, pad)) for i in range(40000)]
        path = self.write_file("\n".join(urls) + "\n")
        out = os.path.join(self.tmpdir(), "out.jsonl")
        p = self.spawn(["-q", "-i", path, "-o", out, *self.hosts("a.test")])
        self.wait_signal_handler(p, signal.SIGTERM)
        end = time.monotonic() + 30
        while time.monotonic() < end and self.path_count("/retry-after/%s/30" % key) < 1:
            time.sleep(0.05)
        self.assertEqual(self.path_count("/retry-after/%s/30" % key), 1)  # a.test is paused
        self.wait_reading_stops(p)
        with open("/proc/%d/status" % p.pid) as f:
            peak_kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 143, err)
        with open(out) as f:
            read = len(f.readlines())
        self.assertLess(read, len(urls), "the whole list was read ahead")
        if not harness.sanitized():
            self.assertLess(peak_kib, 64 * 1024, "peak RSS %d KiB with %d URLs read" % (peak_kib, read))

    def wait_reading_stops(self, p, timeout=60):
        """Waits until volley has read nothing more (input, sockets) for half a second: its
        read-ahead window is full."""
        end = time.monotonic() + timeout
        last, since = self.bytes_read(p), time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.1)
            now = self.bytes_read(p)
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= 0.5:
                return
        self.fail("volley kept reading for %d s" % timeout)

    @staticmethod
    def bytes_read(p):
        """Bytes volley has read so far (input, sockets)."""
        with open("/proc/%d/io" % p.pid) as f:
            return next(int(line.split()[1]) for line in f if line.startswith("rchar:"))

    def test_flags_are_checked(self):
        for args in (["--per-host-delay", "-1"], ["--per-host-delay", "604801"], ["--host-errors", "-1"],
                     ["--read-ahead", "0"], ["--read-ahead", "x"]):
            r = self.volley(*args, self.url("/ok"), rc=2)
            self.assertEqual(r.lines, [], args)


if __name__ == "__main__":
    harness.main()
