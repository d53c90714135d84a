#!/usr/bin/env python3
"""Hardening for unattended runs (issue 8): numeric flags at their limits, input fidelity (a
UTF-8 BOM, internationalised host names) and memory while many retries wait."""

import os
import sys

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


if __name__ == "__main__":
    harness.main()
