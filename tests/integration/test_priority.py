#!/usr/bin/env python3
"""Priority scheduling (docs/behaviour.md, "Priority"): the order requests reach a server."""

import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestPriority(VolleyTestCase):
    server_per_class = False  # a fresh request log per test

    def setUp(self):
        super().setUp()
        self.srv, self.port = self.start_server()

    def arrivals(self):
        """The `i` of each request, in the order the server saw them."""
        return [int(r["raw_path"].split("i=")[1]) for r in self.requests_seen()]

    def test_request_objects_at_c1_arrive_in_priority_order(self):
        rng = random.Random(19)
        items = [{"url": self.url("/ok?i=%d" % i), "priority": rng.randint(-5, 5)} for i in range(1, 61)]
        for item in items[::7]:
            del item["priority"]  # absent is 0
        path = self.write_file("".join(json.dumps(o) + "\n" for o in items))
        r = self.volley("-q", "-c", "1", "-i", path, rc=0)
        self.assertEqual(len(r.lines), len(items), r.describe())
        expected = [i for _, i in sorted((-o.get("priority", 0), i) for i, o in enumerate(items, 1))]
        self.assertEqual(self.arrivals(), expected)

    def test_lines_from_a_pipe_already_written_arrive_in_priority_order(self):
        items = [{"url": self.url("/ok?i=%d" % i), "priority": i % 3} for i in range(1, 31)]
        data = "".join(json.dumps(o) + "\n" for o in items)
        r = self.volley("-q", "-c", "1", input=data, rc=0)
        self.assertEqual(len(r.lines), len(items), r.describe())
        expected = [i for _, i in sorted((-o["priority"], i) for i, o in enumerate(items, 1))]
        self.assertEqual(self.arrivals(), expected)

    def test_a_capped_high_priority_host_never_idles_a_slot(self):
        # hi.test, first in priority, is slow and capped at one request at a time; lo.test's
        # URLs must all start in the other slots before hi.test's second request.
        hi = [{"url": "http://hi.test:%d/delay/1500?i=%d" % (self.port, i), "priority": 100} for i in range(1, 4)]
        lo = [{"url": "http://lo.test:%d/ok?i=%d" % (self.port, i), "priority": -100} for i in range(4, 12)]
        path = self.write_file("".join(json.dumps(o) + "\n" for o in hi + lo))
        r = self.volley("-q", "-c", "4", "--per-host", "1", "-i", path,
                        "--resolve", "hi.test:%d:127.0.0.1" % self.port,
                        "--resolve", "lo.test:%d:127.0.0.1" % self.port, rc=0)
        self.assertEqual(len(r.lines), 11, r.describe())
        order = self.arrivals()
        # The highest priority starts in the first round; which of the round's four connections
        # the server hears first is a race of its own.
        self.assertIn(1, order[:4], order)
        second_hi = order.index(2)
        self.assertEqual(sorted(i for i in order[:second_hi] if i != 1), list(range(4, 12)), order)

    def test_the_documented_sort_orders_a_whole_list(self):
        # docs/behaviour.md, "Priority": the jq line as the document gives it. With a window of
        # 4 URLs the list as written starts out of order; sorted, it starts in priority order.
        doc = os.path.join(harness.HERE, "..", "..", "docs", "behaviour.md")
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        section = text[text.index("## Priority"):text.index("## Retries and the read-ahead window")]
        command = next(line.strip() for line in section.splitlines() if line.strip().startswith("jq "))
        d = self.tmpdir()
        items = [{"url": self.url("/ok?i=%d" % i), "priority": i // 3} for i in range(1, 21)]
        del items[4]["priority"]  # absent: 0, with 1 and 2
        with open(os.path.join(d, "list.jsonl"), "w") as f:
            f.writelines(json.dumps(o) + "\n" for o in items)
        subprocess.run(["sh", "-c", command], cwd=d, check=True, timeout=30)
        expected = [i for _, i in sorted((-o.get("priority", 0), i) for i, o in enumerate(items, 1))]

        self.volley("-q", "-c", "1", "--read-ahead", "4", "-i", os.path.join(d, "list.jsonl"), rc=0)
        self.assertNotEqual(self.arrivals(), expected)
        self.srv.state.reset()
        self.volley("-q", "-c", "1", "--read-ahead", "4", "-i", os.path.join(d, "sorted.jsonl"), rc=0)
        self.assertEqual(self.arrivals(), expected)


if __name__ == "__main__":
    harness.main()
