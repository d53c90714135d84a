#!/usr/bin/env python3
"""Hardening for unattended runs (issue 8): numeric flags at their limits, input fidelity (a
UTF-8 BOM, internationalised host names) and memory while many retries wait."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

BOM = b"\xef\xbb\xbf"
WEEK = 7 * 24 * 3600


class TestFlagLimits(VolleyTestCase):
    def refused(self, *args):
        r = self.volley("-q", *args, self.url("/ok"), rc=2, parse=False, timeout=20)
        self.assertEqual(r.stdout, b"")
        self.assertNotEqual(r.stderr.strip(), "")
        return r

    def test_huge_retry_delay_is_refused_not_retried_at_once(self):
        # 1e300 s used to overflow into a negative wait: every retry went out at once.
        k = self.key()
        r = self.volley("-q", "--retry-delay", "1e300", "--retry-max-delay", "1e300",
                        self.url("/flaky/%s/1" % k), rc=2, parse=False, timeout=20)
        self.assertIn("--retry-delay", r.stderr)
        self.assertEqual(self.path_count("/flaky/%s/1" % k), 0)

    def test_tiny_rate_is_refused_not_unlimited(self):
        r = self.refused("--rate", "1e-10")
        self.assertIn("--rate", r.stderr)
        self.assertEqual(self.stats()["count"], 0)

    def test_every_seconds_flag_has_an_upper_limit(self):
        for flag in ("--timeout", "--connect-timeout", "--stall-timeout", "--retry-delay",
                     "--retry-max-delay"):
            for value in ("1e300", "inf", str(WEEK + 1)):
                with self.subTest(flag=flag, value=value):
                    self.refused(flag, value)
        self.assertEqual(self.stats()["count"], 0)

    def test_values_at_the_limits_are_accepted(self):
        o = self.volley("-q", "--timeout", str(WEEK), "--connect-timeout", str(WEEK),
                        "--stall-timeout", str(WEEK), "--retry-delay", str(WEEK),
                        "--retry-max-delay", str(WEEK), "--rate", "0.0000116",
                        self.url("/ok"), rc=0).one()
        self.assertOk(o)


class TestInputFidelity(VolleyTestCase):
    def test_bom_at_the_start_of_each_file_is_skipped(self):
        a = self.write_file(BOM + (self.url("/size/1") + "\n" + self.url("/size/2") + "\n").encode())
        b = self.write_file(BOM + (self.url("/size/3") + "\n").encode())
        r = self.volley("-q", "-i", a, "-i", b, rc=0)
        got = r.by_url()
        self.assertEqual(sorted(got), sorted(self.url("/size/%d" % i) for i in (1, 2, 3)))
        for o in r.lines:
            self.assertOk(o)

    def test_bom_on_stdin_is_skipped(self):
        r = self.volley("-q", input=BOM + (self.url("/ok") + "\n").encode(), rc=0)
        self.assertOk(r.one())
        self.assertEqual(r.one()["url"], self.url("/ok"))

    def test_bom_before_a_request_object(self):
        line = '{"url":"%s","meta":{"id":7}}\n' % self.url("/ok")
        o = self.volley("-q", input=BOM + line.encode(), rc=0).one()
        self.assertOk(o)

    def idn_env(self, **extra):
        env = {k: v for k, v in harness.child_env().items()
               if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE")}
        env.update(extra)
        return env

    def fetch_idn(self, env):
        url = "http://bücher.test:%d/ok" % self.port
        r = harness.run(["-q", "--resolve", "xn--bcher-kva.test:%d:127.0.0.1" % self.port, url],
                        env=env, timeout=20)
        self.assertEqual(r.rc, 0, r.describe())
        o = r.one()
        self.assertOk(o)
        self.assertEqual(o["url"], url)
        seen = self.requests_seen(path="/ok")
        self.assertEqual(len(seen), 1)
        self.assertEqual(seen[0]["host"], "xn--bcher-kva.test:%d" % self.port)

    def test_idn_host_without_any_locale_in_the_environment(self):
        self.fetch_idn(self.idn_env())

    def test_idn_host_under_lc_all_c(self):
        self.fetch_idn(self.idn_env(LC_ALL="C"))

    def test_idn_host_under_a_utf8_locale(self):
        self.fetch_idn(self.idn_env(LC_ALL="C.UTF-8"))


# Every request answered 503 with Retry-After, by the harness's fast server.
ALWAYS_503 = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n"


class TestRetryMemory(VolleyTestCase):
    """Retries waiting for their time count against the read-ahead window (4,096 URLs), so peak
    memory does not grow with the list however many URLs answer 503 with Retry-After."""

    def peak_rss_kb(self, n):
        srv = harness.OkServer(ALWAYS_503)
        self.addCleanup(srv.close)
        pad = "p" * 1000  # URLs of a realistic length, so what each waiting job holds shows
        urls = "".join("http://127.0.0.1:%d/%d?%s\n" % (srv.port, i, pad) for i in range(n))
        # Waiting retries (and the host they pause) let volley read on past its 4,096-URL base
        # window, up to --read-ahead; below the lists' length here, so the bound shows.
        p = self.spawn(["-q", "--retries", "1", "--read-ahead", "4096", "-i", self.write_file(urls)])
        # Every first attempt goes out at once; retries come due only after 30 s. Volley has
        # read all it will once every URL was tried or the count stops growing (the window).
        end = time.monotonic() + 60
        last, since = -1, time.monotonic()
        while time.monotonic() < end and p.poll() is None:
            c = srv.count
            if c >= n:
                break
            if c != last:
                last, since = c, time.monotonic()
            elif c > 0 and time.monotonic() - since > 1.0:
                break
            time.sleep(0.05)
        self.assertIsNone(p.poll(), "volley ended before its retries were due")
        with open("/proc/%d/status" % p.pid) as f:
            hwm = [int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")][0]
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 130, err.decode("utf-8", "replace")[-2000:])
        # Every URL read gets its line; the ones never read (beyond the window) get none.
        seqs = sorted(o["seq"] for o in harness.parse_lines(out))
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        self.assertGreaterEqual(len(seqs), min(srv.count, n))
        return hwm, srv.count

    def test_peak_memory_is_flat_in_the_list_length_while_retries_wait(self):
        small, tried_small = self.peak_rss_kb(5000)
        large, tried_large = self.peak_rss_kb(20000)
        msg = "peak RSS %d kB for 5,000 URLs (%d tried), %d kB for 20,000 (%d tried)" % (
            small, tried_small, large, tried_large)
        self.assertLess(tried_large, 20000, "the whole list was read while retries waited: " + msg)
        self.assertLess(large, small + 8 * 1024, msg)


if __name__ == "__main__":
    harness.main()
