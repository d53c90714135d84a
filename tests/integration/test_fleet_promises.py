"""The promises of docs/fleet.md at their edges (issue 17): an entry is acknowledged only once its
line is in the results stream, the results stream is never the queue however it is spelled, and a
worker that cannot get back in says why.

Each test starts its own redis-server on a loopback port (test_fleet.RedisServer) and stops it.
"""

import json
import os
import signal
import subprocess
import time
import unittest

from harness import run
from test_fleet import REDIS, RedisTestCase


def wait_until(what, condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


@unittest.skipUnless(REDIS, "redis-server is not installed (scripts/setup.sh installs it)")
class FleetPromisesTest(RedisTestCase):
    def enqueue(self, stream, lines):
        r = run(["enqueue", self.redis.url(stream), "-q"], input="".join(l + "\n" for l in lines), check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        return {e[0] for e in self.db("XRANGE", stream, "-", "+")}

    def pending(self, stream):
        return self.db("XPENDING", stream, "volley")[0]

    def group(self, stream):
        groups = self.db("XINFO", "GROUPS", stream)
        return dict(zip(groups[0][::2], groups[0][1::2])) if groups else {}

    def result_ids(self, stream):
        return {json.loads(e[1][1])["id"] for e in self.db("XRANGE", stream, "-", "+")}

    def worker(self, *extra, err_name="w.err"):
        err_path = os.path.join(self.tmp, err_name)
        err = open(err_path, "wb")
        self.addCleanup(err.close)
        p = self.spawn(["--queue", self.redis.url("in")] + list(extra), stdout=subprocess.DEVNULL, stderr=err)
        return p, err_path

    def read(self, path):
        with open(path, "rb") as f:
            return f.read().decode()

    def test_a_results_key_of_another_type_is_exit_2_at_start_and_nothing_is_taken(self):
        ids = self.enqueue("in", [self.url("/ok?%d" % i) for i in range(5)])
        self.db("SET", "out", "x")
        r = run(["--queue", self.redis.url("in"), "--results", self.redis.url("out"), "--drain"], timeout=30,
                check_schema=False)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("--results", r.stderr)
        self.assertEqual(self.db("GET", "out"), "x")
        # Nothing was read, so nothing is pending or acknowledged: a right worker gets every entry.
        self.db("DEL", "out")
        r = run(["--queue", self.redis.url("in"), "--results", self.redis.url("out"), "--drain"], timeout=30,
                check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(self.result_ids("out"), ids)

    def test_results_refused_mid_run_leaves_entries_pending_exit_2_another_worker_delivers(self):
        ids = self.enqueue("in", [self.url("/delay/50?%d" % i) for i in range(40)])
        p, err_path = self.worker("--results", self.redis.url("out"), "-c", "2")
        wait_until("the first results", lambda: self.db("EXISTS", "out") == 1)
        self.db("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.db("CONFIG", "SET", "maxmemory", "1")
        before = self.db("XLEN", "out")
        wait_until("a refusal", lambda: "OOM" in self.read(err_path))
        # Every line fetched now is held back, its entry with it.
        wait_until("entries held", lambda: self.pending("in") >= 6)
        p.send_signal(signal.SIGTERM)
        p.wait(30)
        self.assertEqual(p.returncode, 2, self.read(err_path))
        self.assertEqual(self.db("XLEN", "out"), before)
        self.assertGreaterEqual(self.pending("in"), 6)
        self.db("CONFIG", "SET", "maxmemory", "0")
        r = run(["--queue", self.redis.url("in"), "--results", self.redis.url("out"), "--drain", "--claim-after", "0.2",
                 "--consumer", "second"], timeout=60, check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(self.result_ids("out"), ids)
        self.assertEqual(self.pending("in"), 0)

    def test_results_refused_then_taken_again_the_worker_retries_and_loses_nothing(self):
        ids = self.enqueue("in", [self.url("/delay/100?%d" % i) for i in range(60)])
        p, err_path = self.worker("--results", self.redis.url("out"), "--drain", "-c", "4")
        wait_until("the first results", lambda: self.db("EXISTS", "out") == 1)
        self.db("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.db("CONFIG", "SET", "maxmemory", "1")
        wait_until("a refusal", lambda: "OOM" in self.read(err_path))
        wait_until("entries held", lambda: self.pending("in") >= 8)
        self.db("CONFIG", "SET", "maxmemory", "0")
        p.wait(60)
        self.assertEqual(p.returncode, 0, self.read(err_path))
        self.assertIn("takes lines again", self.read(err_path))
        self.assertEqual(self.result_ids("out"), ids)
        self.assertEqual(self.pending("in"), 0)

    def test_a_worker_starts_on_a_full_redis_when_its_group_exists(self):
        ids = self.enqueue("in", [self.url("/ok?%d" % i) for i in range(5)])
        self.db("XGROUP", "CREATE", "in", "volley", "0")
        self.db("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.db("CONFIG", "SET", "maxmemory", "1")
        out = os.path.join(self.tmp, "out.jsonl")
        r = run(["--queue", self.redis.url("in"), "--drain", "-o", out], timeout=30, check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        with open(out) as f:
            self.assertEqual({json.loads(l)["id"] for l in f}, ids)
        self.assertEqual(self.pending("in"), 0)
        # Without the group there is nothing to read through: exit 2, saying why.
        r = run(["--queue", self.redis.url("in"), "--group", "other", "--drain"], timeout=30, check_schema=False)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("OOM", r.stderr)

    def test_results_naming_the_queue_by_another_spelling_is_exit_2(self):
        self.enqueue("in", [self.url("/ok")])
        port = self.redis.port
        for queue, results in [("127.0.0.1:%d" % port, "localhost:%d" % port),
                               ("localhost:%d" % port, "127.0.0.1:%d" % port)]:
            r = run(["--queue", "redis://%s/in" % queue, "--results", "redis://%s/in" % results, "--drain"],
                    timeout=30, check_schema=False)
            self.assertEqual(r.rc, 2, r.describe())
            self.assertIn("--results", r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertEqual(self.db("XLEN", "in"), 1)
        self.assertEqual(self.pending("in"), 0)

    def test_a_refused_reconnect_says_why_now_and_then(self):
        self.db("CONFIG", "SET", "requirepass", "s3cretOld")
        self.db("AUTH", "s3cretOld")
        r = run(["enqueue", self.redis.url("in", password="s3cretOld"), "-q"], input=self.url("/ok") + "\n",
                check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        err_path = os.path.join(self.tmp, "w.err")
        with open(err_path, "wb") as err:
            p = self.spawn(["--queue", self.redis.url("in", password="s3cretOld")], stdout=subprocess.DEVNULL,
                           stderr=err)
        wait_until("the entry acknowledged", lambda: self.group("in").get("entries-read") == 1
                   and self.group("in").get("pending") == 0)
        self.db("CONFIG", "SET", "requirepass", "new")
        self.db("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        wait_until("WRONGPASS said", lambda: "WRONGPASS" in self.read(err_path), timeout=15)
        time.sleep(3)  # what is measured: how often it is said over a while of refusals
        p.send_signal(signal.SIGTERM)
        p.wait(30)
        err = self.read(err_path)
        self.assertEqual(err.count("WRONGPASS"), 1, err)
        self.assertNotIn("s3cret", err)

    def test_claim_after_below_its_floor_is_one_message(self):
        said = []
        for value in ["0", "-1", "0.001"]:
            r = run(["--queue", self.redis.url("in"), "--claim-after", value], timeout=30, check_schema=False)
            self.assertEqual(r.rc, 2, r.describe())
            said.append(r.stderr.replace("got " + value, "got V"))
        self.assertEqual(len(set(said)), 1, said)


if __name__ == "__main__":
    unittest.main()
