#!/usr/bin/env python3
"""--shard K/N: a list split over N runs, as N machines would run it."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

HOSTS = ["h%02d.shard.test" % i for i in range(1, 31)]
INVALID = ["ftp://h01.shard.test/x", "http://", "http://bad host.shard.test/"]


def fnv1a64(data):
    """The hash docs/cron.md defines, written again here: the split must be reproducible."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def shard_of(host, n):
    return fnv1a64(host.lower().encode()) % n + 1


def host_of(url):
    m = re.match(r"^https?://([^/:]+)", url, re.I)
    return m.group(1).lower() if m else None


class TestShard(VolleyTestCase):
    server_per_class = False

    def setUp(self):
        super().setUp()
        self.srv, self.port = self.start_server()

    def input_lines(self, closed):
        """Three URLs on each host, one host also in capitals and on a second (closed) port,
        a request object, and lines that are refused before fetching: in input order."""
        lines = []
        for i in range(3):
            for h in HOSTS:
                lines.append(self.url("/ok?n=%d" % i, host=h))
        lines.insert(10, self.url("/ok?case", host="H07.Shard.TEST"))
        lines.insert(20, "http://h07.shard.test:%d/closed" % closed)
        lines.insert(30, json.dumps({"url": self.url("/ok?object", host="h11.shard.test")}))
        for i, bad in enumerate(INVALID):
            lines.insert(5 + 25 * i, bad)
        return lines

    def expected_url(self, line):
        return json.loads(line)["url"] if line.startswith("{") else line

    def test_shards_are_disjoint_and_cover_the_list(self):
        closed = harness.closed_port()
        lines = self.input_lines(closed)
        path = self.write_file("\n".join(lines) + "\n")
        resolve = []
        for h in HOSTS:
            resolve += ["--resolve", "%s:%d:127.0.0.1" % (h, self.port)]
        resolve += ["--resolve", "h07.shard.test:%d:127.0.0.1" % closed]
        out_dir = self.tmpdir()
        n = 3
        shard_lines = {}
        hosts_seen = {}
        for k in range(1, n + 1):
            self.srv.state.reset()
            out = os.path.join(out_dir, "shard-%d.jsonl" % k)
            r = self.volley("--shard", "%d/%d" % (k, n), "-o", out, "-i", path, "--retries", "0",
                            "-c", "8", *resolve, timeout=60)
            # Error lines: the refused ones (shard 1) and the closed port (h07's shard).
            errors = k == 1 or k == shard_of("h07.shard.test", n)
            self.assertEqual(r.rc, 1 if errors else 0, r.describe())
            with open(out, "rb") as f:
                shard_lines[k] = harness.parse_lines(f.read())
            hosts_seen[k] = {self.header(rec, "Host").split(":")[0].lower() for rec in self.requests_seen()}
            written = len(shard_lines[k])
            left = len(lines) - written
            m = re.search(r"(\d+) URLs?, .*?(?:, (\d+) left to other shards)?$", r.stderr.splitlines()[0])
            self.assertIsNotNone(m, r.stderr)
            self.assertEqual(int(m.group(1)), written, r.stderr)
            self.assertEqual(int(m.group(2) or 0), left, r.stderr)

        by_seq = {}
        for k, got in shard_lines.items():
            for o in got:
                self.assertNotIn(o["seq"], by_seq, "seq %d on two shards" % o["seq"])
                by_seq[o["seq"]] = (k, o)
        # The union is the whole list, and seq is the input position on every shard.
        self.assertEqual(sorted(by_seq), list(range(1, len(lines) + 1)))
        for seq, (k, o) in by_seq.items():
            self.assertEqual(o["url"], self.expected_url(lines[seq - 1]), "seq %d" % seq)

        # Refused lines have no host: shard 1 alone reports them.
        for bad in INVALID:
            seq = lines.index(bad) + 1
            k, o = by_seq[seq]
            self.assertEqual(k, 1, bad)
            self.assertIsNotNone(o["error"], bad)

        # Every host on exactly one shard, the one the documented hash names, whatever the
        # case or the port it is written with; and only that shard's requests reach it.
        shard_of_host = {}
        for seq, (k, o) in by_seq.items():
            host = host_of(o["url"])
            if host is None or o["url"] in INVALID:
                continue
            self.assertEqual(shard_of_host.setdefault(host, k), k, "host %s on two shards" % host)
        self.assertEqual(set(shard_of_host), set(HOSTS))
        for host, k in shard_of_host.items():
            self.assertEqual(k, shard_of(host, n), host)
        for k in range(1, n + 1):
            self.assertEqual(hosts_seen[k], {h for h, s in shard_of_host.items() if s == k}, "shard %d" % k)
            self.assertTrue(hosts_seen[k], "shard %d got no host: a poor split of 30 hosts" % k)
        closed_seq = lines.index("http://h07.shard.test:%d/closed" % closed) + 1
        self.assertErrorKind(by_seq[closed_seq][1], "connect")

    def test_bad_values_exit_2_before_fetching(self):
        for bad in ("0/3", "4/3", "a/b", "1/0", "", "3", "1/3/3", "-1/3", "1/1000001"):
            r = self.volley("--shard", bad, self.url("/ok"), rc=2)
            self.assertEqual(r.lines, [], bad)
            self.assertIn("--shard", r.stderr, bad)
        self.assertEqual(self.stats()["count"], 0)

    def test_one_of_one_fetches_everything(self):
        r = self.volley("-q", "--shard", "1/1", self.url("/ok"), self.url("/ok", host="localhost"), rc=0)
        self.assertEqual(sorted(o["seq"] for o in r.lines), [1, 2])


if __name__ == "__main__":
    harness.main()
