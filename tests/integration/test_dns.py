#!/usr/bin/env python3
"""A name lookup that never ends must cost only its own URL (issue 8, item 4): the other URLs
finish in their own time, --timeout ends the lookup, and SIGINT does not wait for it.

volley runs in its own mount namespace (unshare -m) with /etc/resolv.conf bind-mounted to name a
DNS server this test runs on 127.x.y.z:53, which answers after 50 ms and never answers
never.volley.test. Needs root and unshare; skipped with the reason where either is refused."""

import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

NEVER = "never.volley.test"
LOOKUP_TIMEOUT = 20  # resolv.conf's timeout for the name that is never answered


def parse_question(msg):
    """(id, rd flag, qname, qtype, end of the question section) of a DNS query, or None."""
    if len(msg) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
    if qdcount != 1:
        return None
    labels, i = [], 12
    while i < len(msg) and msg[i] != 0:
        n = msg[i]
        if n & 0xC0:
            return None
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return qid, flags & 0x0100, ".".join(labels), qtype, i + 5


def answer(msg, qid, rd, qtype, end):
    """NOERROR with A 127.0.0.1 for an A question; with no record for any other (AAAA), so the
    resolver does not wait for an IPv6 answer."""
    an = 1 if qtype == 1 else 0
    head = struct.pack("!HHHHHH", qid, 0x8080 | rd, 1, an, 0, 0)
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton("127.0.0.1") if an else b""
    return head + msg[12:end] + rr


class SlowDns:
    """UDP DNS server: every name answers after 50 ms, except NEVER, which gets no reply."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(20):
            self.addr = "127.%d.%d.%d" % (random.randint(1, 254), random.randint(1, 254), random.randint(2, 254))
            try:
                self.sock.bind((self.addr, 53))
                break
            except OSError:
                continue
        else:
            raise unittest.SkipTest("cannot bind a UDP socket to port 53 on loopback")
        self.asked = []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        pending = []  # (due, reply, client)
        while not self.stop.is_set():
            now = time.monotonic()
            for item in [p for p in pending if p[0] <= now]:
                pending.remove(item)
                try:
                    self.sock.sendto(item[1], item[2])
                except OSError:
                    pass
            wait = min([p[0] for p in pending], default=now + 0.2) - now
            r, _, _ = select.select([self.sock], [], [], max(0, min(wait, 0.2)))
            if not r:
                continue
            try:
                msg, client = self.sock.recvfrom(4096)
            except OSError:
                return
            q = parse_question(msg)
            if not q:
                continue
            qid, rd, name, qtype, end = q
            self.asked.append(name)
            if name != NEVER:
                pending.append((time.monotonic() + 0.05, answer(msg, qid, rd, qtype, end), client))

    def close(self):
        self.stop.set()
        self.t.join(5)
        self.sock.close()


class TestSlowDns(VolleyTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root to bind port 53 and bind-mount resolv.conf")
        probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind /dev/null /etc/resolv.conf"],
                               capture_output=True, timeout=20)
        if probe.returncode != 0:
            raise unittest.SkipTest("unshare -m with a bind mount is refused here: %s" %
                                    probe.stderr.decode("utf-8", "replace").strip())

    def setUp(self):
        super().setUp()
        self.dns = SlowDns()
        self.addCleanup(self.dns.close)
        self.resolv = self.write_file("nameserver %s\noptions timeout:%d attempts:1\n" % (
            self.dns.addr, LOOKUP_TIMEOUT), name="resolv.conf")

    def command(self, args):
        return ["unshare", "-m", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"',
                self.resolv, harness.volley_path()] + list(args)

    @staticmethod
    def reap(p):
        if p.poll() is None:
            p.kill()
        p.wait(10)
        p.stdout.close()
        p.stderr.close()

    def host_url(self, host, path):
        return "http://%s:%d%s" % (host, self.port, path)

    def test_a_lookup_that_never_ends_costs_only_its_own_url(self):
        # Two slots: the lookup holds one, the fast URLs take turns on the other, so some are in
        # flight when --timeout ends the lookup at 2 s.
        fast = [self.host_url("fast%d.volley.test" % i, "/delay/300?i=%d" % i) for i in range(10)]
        never = self.host_url(NEVER, "/ok")
        t0 = time.monotonic()
        r = subprocess.run(self.command(["-q", "-c", "2", "--timeout", "2", "--retries", "0", never] + fast),
                           capture_output=True, timeout=60, env=harness.child_env())
        elapsed = time.monotonic() - t0
        lines = {o["url"]: o for o in harness.parse_lines(r.stdout)}
        detail = "elapsed %.1fs\n%s\n%s" % (elapsed, r.stdout.decode()[:3000], r.stderr.decode()[:2000])
        self.assertEqual(r.returncode, 1, detail)
        self.assertIn(NEVER, self.dns.asked, "the test's resolver was not used: " + detail)
        self.assertEqual(sorted(lines), sorted(fast + [never]), detail)
        self.assertIn(lines[never]["error"]["kind"], ("timeout", "dns"), detail)
        self.assertLess(lines[never]["time"]["total"], 6, "--timeout 2 not honoured: " + detail)
        for u in fast:
            self.assertOk(lines[u], msg=detail)
            self.assertLess(lines[u]["time"]["total"], 1.9, "a fast URL waited for the lookup: " + detail)
        self.assertLess(elapsed, 10, "the run waited for the lookup (%ds): %s" % (LOOKUP_TIMEOUT, detail))

    def test_sigint_does_not_wait_for_a_lookup(self):
        ok = self.host_url("fast.volley.test", "/ok")
        never = self.host_url(NEVER, "/ok")
        p = subprocess.Popen(self.command(["-q", "--timeout", "60", "--connect-timeout", "60", ok, never]),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=harness.child_env())
        self.addCleanup(self.reap, p)
        reader = harness.LineReader(p.stdout)
        first = harness.parse_lines(reader.get(timeout=20))[0]
        self.assertOk(first)
        end = time.monotonic() + 10
        while NEVER not in self.dns.asked and time.monotonic() < end:
            time.sleep(0.02)
        self.assertIn(NEVER, self.dns.asked)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            rc = p.wait(LOOKUP_TIMEOUT - 5)
        except subprocess.TimeoutExpired:
            self.fail("SIGINT waited for the name lookup")
        took = time.monotonic() - t0
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 130, p.stderr.read().decode("utf-8", "replace"))
        self.assertLess(took, 3, "SIGINT waited %.1fs" % took)
        got = {o["url"]: o for o in lines}
        self.assertErrorKind(got[never], "interrupted")


if __name__ == "__main__":
    harness.main()
