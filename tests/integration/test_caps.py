#!/usr/bin/env python3
"""Concurrency, per-host cap and rate limit, observed on the server side."""

import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestCaps(VolleyTestCase):
    server_per_class = False  # fresh server per test: no stray in-flight requests

    def setUp(self):
        super().setUp()
        self.srv, self.port = self.start_server()

    def run_list(self, urls, *args, timeout=60):
        path = self.write_file("\n".join(urls) + "\n")
        r = self.volley("-q", *args, "-i", path, timeout=timeout, rc=0)
        self.assertEqual(len(r.lines), len(urls), r.describe())
        self.assertEqual(sorted(o["seq"] for o in r.lines), list(range(1, len(urls) + 1)))
        for o in r.lines:
            self.assertOk(o)
        return r

    def test_concurrency_4(self):
        self.run_list([self.url("/delay/200")] * 40, "-c", "4")
        st = self.stats()
        self.assertEqual(st["count"], 40)
        self.assertLessEqual(st["max_inflight"], 4, st)
        self.assertGreaterEqual(st["max_inflight"], 3, "the cap should be reached: %s" % st)

    def test_concurrency_1(self):
        self.run_list([self.url("/delay/100")] * 6, "--concurrency", "1")
        self.assertEqual(self.stats()["max_inflight"], 1)

    def test_default_concurrency_50(self):
        self.run_list([self.url("/delay/1000")] * 80)
        st = self.stats()
        self.assertLessEqual(st["max_inflight"], 50, st)
        self.assertGreaterEqual(st["max_inflight"], 40, st)

    def test_per_host_2_does_not_block_other_hosts(self):
        hosts = ["a.test", "b.test", "c.test"]
        urls = ["http://%s:%d/delay/200" % (h, self.port) for h in hosts for _ in range(12)]
        resolves = []
        for h in hosts:
            resolves += ["--resolve", "%s:%d:127.0.0.1" % (h, self.port)]
        self.run_list(urls, "--per-host", "2", *resolves)
        st = self.stats()
        self.assertEqual(st["count"], 36)
        by_host = st["max_inflight_by_host"]
        self.assertEqual(sorted(by_host), ["%s:%d" % (h, self.port) for h in hosts], st)
        for h, n in by_host.items():
            self.assertLessEqual(n, 2, st)
        self.assertGreaterEqual(st["max_inflight"], 4,
                                "a saturated host must not block the others: %s" % st)

    def test_per_host_with_global_cap(self):
        self.run_list([self.url("/delay/200")] * 12, "-c", "10", "--per-host", "3")
        st = self.stats()
        self.assertLessEqual(st["max_inflight"], 3, st)
        self.assertGreaterEqual(st["max_inflight"], 2, st)

    def test_global_cap_below_per_host(self):
        hosts = ["a.test", "b.test"]
        urls = ["http://%s:%d/delay/200" % (h, self.port) for h in hosts for _ in range(8)]
        resolves = []
        for h in hosts:
            resolves += ["--resolve", "%s:%d:127.0.0.1" % (h, self.port)]
        self.run_list(urls, "-c", "3", "--per-host", "5", *resolves)
        st = self.stats()
        self.assertLessEqual(st["max_inflight"], 3, st)
        self.assertGreaterEqual(st["max_inflight"], 2, st)

    def test_open_file_limit_too_low_for_c(self):
        # A hard limit of 128 descriptors cannot hold -c 200: volley says so, lowers -c to what
        # fits, and every URL still gets its line.
        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 128))
        urls = [self.url("/delay/50?i=%d" % i) for i in range(60)]
        p = subprocess.run([harness.volley_path(), "-c", "200"] + urls, capture_output=True, timeout=60,
                           preexec_fn=low_limit, env=harness.child_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"open-file limit 128 is too low for -c 200", p.stderr)
        self.assertEqual(len(harness.parse_lines(p.stdout)), 60)
        self.assertLessEqual(self.stats()["max_inflight"], 24)  # (128 - 32) / 4

    def test_soft_open_file_limit_is_raised(self):
        # A soft limit of 64 with room above it: volley raises it itself, quietly.
        def low_soft_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 4096))
        urls = [self.url("/delay/300?i=%d" % i) for i in range(100)]
        p = subprocess.run([harness.volley_path(), "-c", "100", "-q"] + urls, capture_output=True, timeout=60,
                           preexec_fn=low_soft_limit, env=harness.child_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, b"")
        self.assertEqual(len(harness.parse_lines(p.stdout)), 100)
        self.assertGreater(self.stats()["max_inflight"], 60, "more connections than the soft limit of 64")

    def test_rate_10(self):
        r = self.run_list([self.url("/ok")] * 20, "--rate", "10")
        self.assertGreaterEqual(r.elapsed, 1.5, "20 requests at 10/s take at least ~1.9 s")
        self.assertLess(r.elapsed, 15, "the rate is per run, not per URL slot or slower")
        self.assertEqual(self.stats()["count"], 20)

    def test_rate_fraction(self):
        r = self.run_list([self.url("/ok")] * 4, "--rate", "2.5")
        self.assertGreaterEqual(r.elapsed, 1.0, "4 requests at 2.5/s take at least 1.2 s")

    def test_rate_0_is_unlimited(self):
        r = self.run_list([self.url("/ok")] * 30, "--rate", "0")
        self.assertLess(r.elapsed, 20)


if __name__ == "__main__":
    harness.main()
