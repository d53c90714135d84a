"""volley as a fleet: `volley enqueue` and workers on one Redis stream (docs/fleet.md).

Each test class starts its own redis-server on a loopback port, with a
temporary directory and no persistence unless a test needs it, and stops it.
Skipped only when redis-server is not installed (scripts/setup.sh installs it).
"""

import array
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import termios
import time
import unittest

from harness import VolleyTestCase, closed_port, free_port, parse_lines, run, spawn, stop_process

REDIS = shutil.which("redis-server")
F_GETPIPE_SZ = 1032  # Linux fcntl, not exported by Python's fcntl module before 3.10


class Resp:
    """Just enough of the Redis protocol for the tests to look at the queue."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError("bad reply %r" % line)

    def __call__(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        reply = self._reply()
        if isinstance(reply, RuntimeError):
            raise reply
        return reply


class RedisServer:
    def __init__(self, durable=False):
        self.dir = tempfile.mkdtemp(prefix="volley-redis-")
        self.port = free_port()
        self.durable = durable
        self.proc = None
        self.start()

    def start(self):
        args = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", self.dir,
                "--appendonly", "yes" if self.durable else "no"]
        if self.durable:
            args += ["--appendfsync", "always"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                c = Resp(self.port, timeout=1)
                try:
                    if c("PING") == "PONG":
                        return
                finally:
                    c.close()
            except (OSError, ConnectionError, RuntimeError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start on port %d" % self.port)
            time.sleep(0.05)

    def stop(self):
        if self.proc:
            stop_process(self.proc)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, stream, password=None):
        auth = ":%s@" % password if password else ""
        return "redis://%s127.0.0.1:%d/%s" % (auth, self.port, stream)

    def client(self):
        return Resp(self.port)


def read_lines(path):
    """The complete lines of a worker's output (one killed may have left half a line)."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"\n"):
        data = data[:data.rfind(b"\n") + 1]
    return parse_lines(data)


class RedisTestCase(VolleyTestCase):
    """A redis-server of the test's own, a client to it and a scratch folder, all gone after it."""

    def setUp(self):
        super().setUp()
        self.redis = RedisServer()
        self.addCleanup(self.redis.close)
        self.tmp = self.tmpdir()
        self.db = self.redis.client()
        self.addCleanup(self.db.close)


@unittest.skipUnless(REDIS, "redis-server is not installed (scripts/setup.sh installs it)")
class FleetTest(RedisTestCase):

    def enqueue(self, stream, lines, *extra):
        return run(["enqueue", self.redis.url(stream)] + list(extra), input="".join(l + "\n" for l in lines),
                   check_schema=False)

    def entry_ids(self, stream):
        return {e[0]: e[1][1] for e in self.db("XRANGE", stream, "-", "+")}

    def test_enqueue_adds_valid_lines_and_reports_invalid_ones(self):
        r = self.enqueue("q", [self.url("/ok?1"), "not a url", "# comment", "",
                               '{"url": "%s", "meta": {"k": 1}}' % self.url("/ok?2")])
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(len(r.lines), 1, r.describe())
        self.assertEqual(r.lines[0]["error"]["kind"], "invalid_url")
        self.assertIn("added 2 entries", r.stderr)
        self.assertEqual(sorted(self.entry_ids("q").values()),
                         sorted([self.url("/ok?1"), '{"url": "%s", "meta": {"k": 1}}' % self.url("/ok?2")]))

    def test_enqueue_shards_put_each_host_on_one_stream(self):
        hosts = ["h%d.test" % i for i in range(20)]
        r = self.enqueue("s", ["http://%s/%d" % (h, j) for h in hosts for j in range(3)], "--shards", "4")
        self.assertEqual(r.rc, 0, r.describe())
        seen = {}
        for k in range(1, 5):
            for line in self.entry_ids("s:%d" % k).values():
                host = line.split("/")[2]
                seen.setdefault(host, set()).add(k)
        self.assertEqual(sorted(seen), sorted(hosts))
        self.assertTrue(all(len(v) == 1 for v in seen.values()), seen)
        self.assertGreater(len({next(iter(v)) for v in seen.values()}), 1)

    def test_drain_fetches_every_entry_once_with_its_id_and_acknowledges_it(self):
        self.enqueue("q", [self.url("/ok?%d" % i) for i in range(200)] + ["# only a comment"])
        ids = self.entry_ids("q")
        out = os.path.join(self.tmp, "out.jsonl")
        r = run(["--queue", self.redis.url("q"), "--drain", "-o", out, "-c", "8"], timeout=60)
        self.assertEqual(r.rc, 0, r.describe())
        lines = read_lines(out)
        self.assertEqual(len(lines), 200)
        self.assertEqual({l["id"] for l in lines} | {i for i, v in ids.items() if v.startswith("#")}, set(ids))
        for l in lines:
            self.assertEqual(l["url"], ids[l["id"]])
            self.assertEqual(l["status"], 200)
        self.assertEqual(self.db("XPENDING", "q", "volley")[0], 0)

    def test_results_stream_takes_the_lines_and_entries_are_acknowledged(self):
        self.enqueue("in", [self.url("/ok?%d" % i) for i in range(300)])
        ids = self.entry_ids("in")
        r = run(["--queue", self.redis.url("in"), "--results", self.redis.url("out"), "--drain", "-c", "8"],
                timeout=60, check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(r.stdout, b"")
        lines = [json.loads(e[1][1]) for e in self.db("XRANGE", "out", "-", "+")]
        self.assertEqual(len(lines), 300)
        self.assertEqual({l["id"] for l in lines}, set(ids))
        self.assertEqual(self.db("XPENDING", "in", "volley")[0], 0)
        r = run(["--queue", self.redis.url("in"), "--results", self.redis.url("out"), "-o", "x"], check_schema=False)
        self.assertEqual(r.rc, 2, r.describe())

    def test_three_workers_one_killed_nothing_lost(self):
        n = 30000
        self.enqueue("big", [self.url("/ok?%d" % i) for i in range(n)])
        ids = self.entry_ids("big")
        self.assertEqual(len(ids), n)
        outs = [os.path.join(self.tmp, "w%d.jsonl" % k) for k in range(3)]
        errs = [open(os.path.join(self.tmp, "w%d.err" % k), "wb") for k in range(3)]
        for f in errs:
            self.addCleanup(f.close)
        workers = [spawn(["--queue", self.redis.url("big"), "--drain", "--claim-after", "2", "-c", "16",
                          "--consumer", "w%d" % k, "-q", "-o", outs[k]], stdout=subprocess.DEVNULL, stderr=errs[k])
                   for k in range(3)]
        for w in workers:
            self.addCleanup(lambda w=w: (w.poll() is None and w.kill(), w.wait()))
        # Killed once it has written some lines and holds more.
        deadline = time.monotonic() + 60
        while os.path.getsize(outs[0]) < 2500 * 300 if os.path.exists(outs[0]) else True:
            self.assertLess(time.monotonic(), deadline, "worker 0 wrote too little")
            self.assertIsNone(workers[0].poll())
            time.sleep(0.02)
        workers[0].kill()
        workers[0].wait()
        for w in workers[1:]:
            try:
                w.wait(150)
            except subprocess.TimeoutExpired:
                self.fail("a surviving worker did not end with --drain")
            self.assertEqual(w.returncode, 0)
        by_id = {}
        for path in outs:
            for l in read_lines(path):
                by_id.setdefault(l["id"], []).append(l)
        self.assertEqual(set(by_id), set(ids), "entries without a line")
        for i, lines in by_id.items():
            self.assertTrue(all(l["url"] == ids[i] for l in lines), lines)
            self.assertTrue(any(l["status"] == 200 for l in lines), lines)
        dups = sum(len(v) - 1 for v in by_id.values())
        self.assertLess(dups, n // 10)
        # The killed worker held entries it had not written: the others took them over.
        killed = {l["id"] for l in read_lines(outs[0])}
        self.assertLess(len(killed), n)
        if os.environ.get("VOLLEY_TEST_VERBOSE"):
            print("lines per worker", [len(read_lines(p)) for p in outs], "duplicates", dups)
        self.assertEqual(self.db("XPENDING", "big", "volley")[0], 0)

    def test_an_entry_delivered_too_often_is_poisoned_and_acknowledged(self):
        self.enqueue("p", [self.url("/ok?bad"), self.url("/ok?good")])
        self.db("XGROUP", "CREATE", "p", "volley", "0")
        # Another consumer takes the first entry and dies with it.
        taken = self.db("XREADGROUP", "GROUP", "volley", "ghost", "COUNT", "1", "STREAMS", "p", ">")
        bad_id = taken[0][1][0][0]
        r = run(["--queue", self.redis.url("p"), "--drain", "--claim-after", "0.2", "--max-deliveries", "1"],
                timeout=30)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(len(r.lines), 2, r.describe())
        by_id = {l["id"]: l for l in r.lines}
        self.assertEqual(by_id[bad_id]["error"]["kind"], "poisoned")
        self.assertEqual(by_id[bad_id]["url"], self.url("/ok?bad"))
        self.assertEqual(by_id[bad_id]["attempts"], 0)
        good = [l for l in r.lines if l["id"] != bad_id][0]
        self.assertEqual(good["status"], 200)
        self.assertEqual(self.path_count("/ok"), 1)
        self.assertEqual(self.db("XPENDING", "p", "volley")[0], 0)

    def test_sigterm_leaves_unfinished_entries_pending(self):
        self.enqueue("t", [self.url("/delay/3000?%d" % i) for i in range(5)] + [self.url("/ok?x")])
        p = spawn(["--queue", self.redis.url("t"), "-c", "8"])
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
        self.wait_inflight(5)
        # The quick one's line is out once its entry is acknowledged: only then is it not in flight
        # (on a loaded machine it can be in flight still when the slow ones are).
        deadline = time.monotonic() + 20
        while self.db("XPENDING", "t", "volley")[0] != 5:
            self.assertLess(time.monotonic(), deadline, "the quick entry was never acknowledged")
            time.sleep(0.02)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 128 + signal.SIGTERM, err)
        lines = parse_lines(out)
        kinds = sorted((l["error"] or {}).get("kind", "ok") for l in lines)
        self.assertEqual(kinds, ["interrupted"] * 5 + ["ok"])
        self.assertEqual(self.db("XPENDING", "t", "volley")[0], 5)

    def wait_pipe_full(self, p, err):
        """Wait until p's stdout pipe, which nobody reads, is full: its next write blocks. `err`
        is the file p's stderr goes to."""
        fd = p.stdout.fileno()
        capacity = fcntl.fcntl(fd, F_GETPIPE_SZ)
        queued = array.array("i", [0])
        end = time.monotonic() + 30
        while time.monotonic() < end and p.poll() is None:
            fcntl.ioctl(fd, termios.FIONREAD, queued, True)
            if queued[0] >= capacity - 8192:
                return
            time.sleep(0.05)
        with open(err.name, "rb") as f:
            self.fail("the output pipe never filled (exit status %r): %r" % (p.poll(), f.read()[-2000:]))

    def wait_stopped(self, p):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with open("/proc/%d/stat" % p.pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "T":
                    return
            time.sleep(0.01)
        self.fail("volley did not stop on SIGSTOP")

    def threads_taking(self, p, sig):
        """The ids of p's threads that do not block sig."""
        taking = []
        for tid in os.listdir("/proc/%d/task" % p.pid):
            with open("/proc/%d/task/%s/status" % (p.pid, tid)) as f:
                blocked = [int(ln.split()[1], 16) for ln in f if ln.startswith("SigBlk:")]
            if blocked and not blocked[0] & (1 << (int(sig) - 1)):
                taking.append(int(tid))
        return taking

    def test_signal_ends_a_run_whose_output_is_blocked(self):
        # The loop is blocked writing to a pipe nobody reads; only a signal handled on its own
        # thread makes that write return EINTR, so every other thread must block it
        # (core/signals.hpp). Linux gives a process's signal to its main thread when it can, so
        # the signal is sent while the process is stopped (as a shell's `kill %1` does to a
        # stopped job): on SIGCONT every thread wakes, and the first one not blocking it takes it.
        # A thread that failed to block it wins that race only now and then, hence the check of
        # the masks themselves and several runs.
        self.enqueue("b", [self.url("/ok?%d" % i) for i in range(5000)])
        err = open(os.path.join(self.tmp, "err"), "wb")
        self.addCleanup(err.close)
        for attempt, (sig, rc) in enumerate([(signal.SIGTERM, 143), (signal.SIGINT, 130)] * 2):
            with self.subTest(attempt=attempt, signal=int(sig)):
                p = spawn(["--queue", self.redis.url("b"), "--consumer", "w%d" % attempt, "--claim-after", "600",
                           "-q"], stderr=err)
                self.addCleanup(lambda p=p: (p.poll() is None and p.kill(), p.wait(), p.stdout.close()))
                self.wait_pipe_full(p, err)
                taking = self.threads_taking(p, sig)
                p.send_signal(signal.SIGSTOP)
                self.wait_stopped(p)
                p.send_signal(sig)
                p.send_signal(signal.SIGCONT)
                try:
                    self.assertEqual(p.wait(10), rc)
                except subprocess.TimeoutExpired:
                    self.fail("signal %d ignored while the output is blocked" % sig)
                p.stdout.close()
                self.assertEqual(taking, [p.pid], "threads other than the loop's must block it")

    def test_run_wide_failures_at_start_are_exit_2(self):
        cases = [
            (["--queue", "http://127.0.0.1/q"], "redis://"),
            (["--queue", "redis://127.0.0.1:%d/q" % closed_port()], "cannot connect"),
            (["--queue", self.redis.url("q", password="wrong")], "redis://127.0.0.1"),
            (["enqueue", "redis://127.0.0.1:%d/q" % closed_port()], "cannot connect"),
            (["--queue", self.redis.url("q"), "--shard", "1/2"], "--shards"),
            (["--queue", self.redis.url("q"), self.url("/ok")], "no URL"),
            (["--queue", self.redis.url("q"), "--claim-after", "0"], "--claim-after"),
            # Each line would come back as an entry to fetch, for ever.
            (["--queue", self.redis.url("q"), "--results", self.redis.url("q")], "--results"),
        ]
        for args, text in cases:
            r = run(args, timeout=30, check_schema=False)
            self.assertEqual(r.rc, 2, r.describe())
            self.assertEqual(r.stdout, b"")
            self.assertIn(text, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_auth_with_the_right_password_works_and_the_wrong_one_is_exit_2(self):
        self.db("CONFIG", "SET", "requirepass", "s3cret")
        self.db("AUTH", "s3cret")
        r = run(["enqueue", self.redis.url("a", password="nope")], input=self.url("/ok") + "\n", check_schema=False)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("authentication failed", r.stderr)
        self.assertNotIn("nope", r.stderr)
        r = run(["enqueue", self.redis.url("a", password="s3cret")], input=self.url("/ok") + "\n", check_schema=False)
        self.assertEqual(r.rc, 0, r.describe())
        r = run(["--queue", self.redis.url("a", password="s3cret"), "--drain"], timeout=30)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(len(r.lines), 1)


@unittest.skipUnless(REDIS, "redis-server is not installed (scripts/setup.sh installs it)")
class FleetRestartTest(VolleyTestCase):
    def test_redis_restarted_mid_run_workers_carry_on_nothing_lost(self):
        redis = RedisServer(durable=True)
        self.addCleanup(redis.close)
        db = redis.client()
        n = 1500
        run(["enqueue", redis.url("r"), "-q"], input="".join(self.url("/delay/20?%d" % i) + "\n" for i in range(n)),
            check_schema=False)
        ids = {e[0] for e in db("XRANGE", "r", "-", "+")}
        db.close()
        tmp = self.tmpdir()
        out = os.path.join(tmp, "out.jsonl")
        p = spawn(["--queue", redis.url("r"), "--drain", "--claim-after", "2", "-c", "10", "-q", "-o", out],
                  stdout=subprocess.DEVNULL)
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
        deadline = time.monotonic() + 30
        while not os.path.exists(out) or os.path.getsize(out) < 100 * 300:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        redis.stop()
        time.sleep(0.5)  # down long enough for the worker to notice
        redis.start()
        _, err = p.communicate(timeout=120)
        err = err.decode()
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("lost the connection", err)
        self.assertIn("reconnected", err)
        lines = read_lines(out)
        self.assertEqual({l["id"] for l in lines}, ids)
        db = redis.client()
        self.assertEqual(db("XPENDING", "r", "volley")[0], 0)
        db.close()


if __name__ == "__main__":
    unittest.main()
