#!/usr/bin/env python3
"""Many hosts (issue 18): a list of one URL per host completes, and libcurl's caches stay bounded.

libcurl 7.88 keeps an idle connection per host it has seen, up to its connection cache's limit,
and walks that cache and its DNS cache at every transfer: the cost per URL grew with the hosts
seen. volley closes the connection of a host with nothing more queued and forgets its name
(docs/benchmarks.md, "Many hosts"). Time is left to scripts/bench.sh (scenario 11); this checks
what makes it flat: the sockets open never pile up past the transfers in flight.

Names under .localhost are loopback to libcurl without a lookup (7.78 and later), so each URL has
a host of its own on one server bound to 127.0.0.1."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

HOSTS = 20000
CONCURRENCY = 100


def open_fds(pid):
    """How many file descriptors the process holds now (its sockets and a few files); None once
    it is gone. Only counted, not read one by one: the test's server shares this process."""
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


class TestManyHosts(VolleyTestCase):
    def test_one_url_per_host_completes_and_idle_connections_do_not_pile_up(self):
        srv = harness.OkServer()
        self.addCleanup(srv.close)
        urls = ["http://h%d.localhost:%d/ok?n=%d" % (i, srv.port, i) for i in range(1, HOSTS + 1)]
        inp = self.write_file("\n".join(urls) + "\n")
        out = os.path.join(self.tmpdir(), "out.jsonl")
        p = self.spawn(["-q", "-c", str(CONCURRENCY), "--retries", "0", "-i", inp, "-o", out])
        most = 0
        deadline = time.monotonic() + 600
        while p.poll() is None and time.monotonic() < deadline:
            n = open_fds(p.pid)
            if n is not None:
                most = max(most, n)
            time.sleep(0.05)
        self.assertIsNotNone(p.poll(), "volley did not finish 20,000 hosts in 600 s")
        self.assertEqual(p.returncode, 0, p.stderr.read().decode(errors="replace")[-2000:])
        with open(out, "rb") as f:
            lines = harness.parse_lines(f.read())
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, HOSTS + 1)))
        for o in lines:
            self.assertOk(o)
        # In flight, at most -c sockets; idle, none of a host with nothing queued, where libcurl's
        # own cache would keep up to 4 × -c (CURLMOPT_MAXCONNECTS's default in 7.88). The rest
        # are volley's few files, pipes and event descriptors.
        self.assertLessEqual(most, CONCURRENCY + 30, "descriptors held at most")


if __name__ == "__main__":
    harness.main()
