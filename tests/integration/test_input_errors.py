#!/usr/bin/env python3
"""An input that fails to read mid-run: every URL already read still gets its line."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestInputReadError(VolleyTestCase):
    def check_every_url_read(self, r, urls):
        self.assertEqual(r.rc, 2, r.describe())
        self.assertEqual(sorted(o["seq"] for o in r.lines), list(range(1, len(urls) + 1)),
                         "every URL read gets exactly one line\n" + r.describe()[:2000])
        self.assertEqual(sorted(o["url"] for o in r.lines), sorted(urls))
        interrupted = 0
        for o in r.lines:
            if o["error"] is None:
                self.assertOk(o)
                continue
            self.assertErrorKind(o, "interrupted")
            self.assertIn("Is a directory", o["error"]["message"], o)
            interrupted += 1
        self.assertIn("Is a directory", r.stderr)
        return interrupted

    def test_directory_after_a_file(self):
        urls = [self.url("/ok?i=%d" % i) for i in range(3000)]
        listing = self.write_file("\n".join(urls) + "\n")
        r = self.volley("-q", "-i", listing, "-i", self.tmpdir())
        interrupted = self.check_every_url_read(r, urls)
        self.assertGreater(interrupted, 0, "the read error stops the run before the queue drains")

    def test_directory_after_a_file_longer_than_the_read_ahead(self):
        # The window fills, so the directory is only reached while transfers run and complete.
        urls = [self.url("/ok?i=%d" % i) for i in range(6000)]
        listing = self.write_file("\n".join(urls) + "\n")
        r = self.volley("-q", "-c", "20", "-i", listing, "-i", self.tmpdir())
        self.check_every_url_read(r, urls)
        self.assertGreater(sum(1 for o in r.lines if o["error"] is None), 0, r.describe()[:2000])


if __name__ == "__main__":
    harness.main()
