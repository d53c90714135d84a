#!/usr/bin/env python3
"""Unattended runs (issue 8): --save never writes through what it finds in DIR, signals end the
run whatever the output is doing, closed standard descriptors, an output that is also an input,
a full disk, and a response with very many header names."""

import fcntl
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import termios
import time
import array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

F_GETPIPE_SZ = 1032  # Linux fcntl, not exported by Python's fcntl module before 3.10


def temp_leftovers(directory):
    return [n for n in os.listdir(directory) if not n.endswith(".body")]


class TestSaveNeverWritesThroughDir(VolleyTestCase):
    def test_fifo_named_like_the_body_is_replaced_without_blocking(self):
        d = self.tmpdir()
        os.mkfifo(os.path.join(d, "1.body"))
        r = self.volley("-q", "--save", d, self.url("/ok"), rc=0, timeout=20)
        o = r.one()
        self.assertOk(o)
        st = os.lstat(os.path.join(d, "1.body"))
        self.assertTrue(stat.S_ISREG(st.st_mode), "the FIFO should have been replaced by the body")
        with open(o["saved"], "rb") as f:
            self.assertEqual(f.read(), b"hello\n")
        self.assertEqual(temp_leftovers(d), [])

    def test_hard_link_named_like_the_body_is_not_written_through(self):
        d = self.tmpdir()
        victim = self.write_file("precious\n", "victim")
        os.link(victim, os.path.join(d, "1.body"))
        o = self.volley("-q", "--save", d, self.url("/size/100"), rc=0).one()
        self.assertOk(o)
        with open(victim, "rb") as f:
            self.assertEqual(f.read(), b"precious\n", "the other name's file was clobbered")
        self.assertEqual(os.stat(victim).st_nlink, 1, "1.body should be a new file, not the old link")
        self.assertEqual(os.path.getsize(os.path.join(d, "1.body")), 100)
        self.assertEqual(temp_leftovers(d), [])

    def test_sigterm_ends_a_run_whose_save_dir_holds_a_fifo(self):
        d = self.tmpdir()
        os.mkfifo(os.path.join(d, "1.body"))
        slow = self.url("/delay/9731")
        p = self.spawn(["-q", "--save", d, self.url("/ok"), slow])
        reader = harness.LineReader(p.stdout)
        end = time.monotonic() + 10
        while self.path_count("/delay/9731") < 1 and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(self.path_count("/delay/9731"), 1, "the slow URL never reached the server")
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(10)
        except subprocess.TimeoutExpired:
            self.fail("SIGTERM ignored while --save DIR holds a FIFO named like a body")
        lines = {o["url"]: o for o in harness.parse_lines(reader.all())}
        self.assertEqual(rc, 143)
        self.assertEqual(len(lines), 2)
        self.assertErrorKind(lines[slow], "interrupted")


class TestClosedStandardDescriptors(VolleyTestCase):
    def run_sh(self, redirect, *args):
        # exec keeps the descriptor closed in volley itself, not only in the shell.
        cmd = 'exec "$0" "$@" %s' % redirect
        return subprocess.run(["sh", "-c", cmd, harness.volley_path()] + list(args),
                              capture_output=True, timeout=20, env=harness.child_env())

    def test_closed_stdin_with_urls_on_the_command_line(self):
        try:
            r = self.run_sh("<&-", "-q", self.url("/ok"))
        except subprocess.TimeoutExpired:
            self.fail("volley hung with its stdin closed")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertOk(harness.parse_lines(r.stdout)[0])

    def test_closed_stdin_reads_no_urls(self):
        try:
            r = self.run_sh("<&-", "-q")
        except subprocess.TimeoutExpired:
            self.fail("volley hung with its stdin closed")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_closed_stdout_is_a_clear_usage_error(self):
        r = self.run_sh(">&-", "-q", self.url("/ok"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"standard output is closed", r.stderr)
        self.assertEqual(self.stats()["count"], 0)

    def test_closed_stdout_does_not_matter_with_output_file(self):
        out = os.path.join(self.tmpdir(), "out.jsonl")
        r = self.run_sh(">&-", "-q", "-o", out, self.url("/ok"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertOk(harness.parse_lines(f.read())[0])


class TestOutputIsAnInput(VolleyTestCase):
    def check_refused(self, args, path, original, stdin=None):
        r = subprocess.run([harness.volley_path()] + args, stdin=stdin, capture_output=True,
                           timeout=20, env=harness.child_env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"same file", r.stderr)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), original, "the input was destroyed")
        self.assertEqual(self.stats()["count"], 0)

    def test_output_same_path_as_input(self):
        data = (self.url("/ok") + "\n").encode()
        path = self.write_file(data, "list.txt")
        self.check_refused(["-q", "-i", path, "-o", path], path, data)

    def test_output_same_file_by_another_name(self):
        data = (self.url("/ok") + "\n").encode()
        path = self.write_file(data, "list.txt")
        other = os.path.join(os.path.dirname(path), "alias.txt")
        os.link(path, other)
        self.check_refused(["-q", "-i", path, "-o", other], path, data)

    def test_output_same_file_as_stdin(self):
        data = (self.url("/ok") + "\n").encode()
        path = self.write_file(data, "list.txt")
        with open(path, "rb") as f:
            self.check_refused(["-q", "-o", path], path, data, stdin=f)

    def test_summary_json_same_file_as_the_output_or_an_input(self):
        data = (self.url("/ok") + "\n").encode()
        path = self.write_file(data, "list.txt")
        d = os.path.dirname(path)
        out = self.write_file(b"", "o.jsonl")
        self.volley("-q", "-o", out, self.url("/ok"), rc=0)
        lines = open(out, "rb").read()
        for args, kept, clash in (
                (["--resume", "-o", out, "--summary-json", out, self.url("/ok")], out, "output " + out),
                (["-a", "-o", out, "--summary-json", os.path.join(os.path.dirname(out), ".", "o.jsonl"), self.url("/ok")], out,
                 "output " + out),
                (["-i", path, "-o", os.path.join(d, "x.jsonl"), "--summary-json", path], path, "input " + path)):
            with self.subTest(args=args):
                before = open(kept, "rb").read()
                r = subprocess.run([harness.volley_path(), "-q"] + args, capture_output=True, timeout=20,
                                   env=harness.child_env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stderr.decode().strip().splitlines(), [
                    "volley: error: --summary-json %s is the same file as the %s" % (args[args.index("--summary-json") + 1], clash)])
                self.assertEqual(open(kept, "rb").read(), before)
        self.assertEqual(open(out, "rb").read(), lines)
        # An output not created yet, named as the summary is.
        new = os.path.join(d, "new.jsonl")
        r = subprocess.run([harness.volley_path(), "-q", "-o", new, "--summary-json", new, self.url("/ok")],
                           capture_output=True, timeout=20, env=harness.child_env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertFalse(os.path.exists(new))

    def test_output_elsewhere_is_fine(self):
        path = self.write_file(self.url("/ok") + "\n", "list.txt")
        out = os.path.join(os.path.dirname(path), "out.jsonl")
        self.volley("-q", "-i", path, "-o", out, rc=0)
        with open(out, "rb") as f:
            self.assertEqual(len(harness.parse_lines(f.read())), 1)


class TestSignalWhileStdoutBlocked(VolleyTestCase):
    def blocked_run(self, sig, expected_rc):
        urls = self.write_file("".join(self.url("/ok?i=%d" % i) + "\n" for i in range(3000)))
        p = self.spawn(["-q", "-i", urls])
        fd = p.stdout.fileno()
        capacity = fcntl.fcntl(fd, F_GETPIPE_SZ)
        queued = array.array("i", [0])
        end = time.monotonic() + 30
        while time.monotonic() < end:
            fcntl.ioctl(fd, termios.FIONREAD, queued, True)
            if queued[0] >= capacity - 8192 or p.poll() is not None:
                break
            time.sleep(0.05)
        self.assertIsNone(p.poll(), "volley ended before its output filled the pipe")
        self.assertGreaterEqual(queued[0], capacity - 8192, "the pipe never filled")
        t0 = time.monotonic()
        p.send_signal(sig)
        try:
            rc = p.wait(10)
        except subprocess.TimeoutExpired:
            self.fail("signal %d ignored while stdout is blocked" % sig)
        self.assertEqual(rc, expected_rc, p.stderr.read())
        self.assertLess(time.monotonic() - t0, 3, "a signal must end the run promptly")

    def test_sigterm_while_stdout_blocked(self):
        self.blocked_run(signal.SIGTERM, 143)

    def test_sigint_while_stdout_blocked(self):
        self.blocked_run(signal.SIGINT, 130)


class TestSighup(VolleyTestCase):
    def test_sighup_is_handled_like_sigterm(self):
        urls = [self.url("/delay/9732?i=%d" % i) for i in range(12)]
        p = self.spawn(["-c", "4", "-i", self.write_file("\n".join(urls) + "\n")])
        reader = harness.LineReader(p.stdout)
        end = time.monotonic() + 10
        while self.path_count("/delay/9732") < 4 and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(self.path_count("/delay/9732"), 4)
        p.send_signal(signal.SIGHUP)
        try:
            rc = p.wait(10)
        except subprocess.TimeoutExpired:
            self.fail("SIGHUP did not end the run")
        err = p.stderr.read().decode("utf-8", "replace")
        lines = harness.parse_lines(reader.all())
        self.assertEqual(rc, 129, err)
        self.assertEqual(sorted(o["seq"] for o in lines), list(range(1, 13)))
        for o in lines:
            self.assertErrorKind(o, "interrupted")
        self.assertIn("12 URLs", err, "the summary is printed")

    def test_sighup_stays_ignored_under_nohup(self):
        p = self.spawn(["-q", self.url("/delay/9733")],
                       preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
        end = time.monotonic() + 10
        while self.path_count("/delay/9733") < 1 and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(self.path_count("/delay/9733"), 1)
        p.send_signal(signal.SIGHUP)
        # SIGTERM right after: had SIGHUP stopped the run, the exit status would say 129.
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(10)
        except subprocess.TimeoutExpired:
            self.fail("SIGTERM did not end the run")
        self.assertEqual(rc, 143, "SIGHUP should stay ignored when volley starts with it ignored")


class TestDiskFull(VolleyTestCase):
    """A tiny tmpfs in a private mount namespace (tests run as root)."""

    SCRIPT = r'''
opts=$1 mnt=$2 copy=$3
shift 3
mount -t tmpfs -o "$opts" tmpfs "$mnt" || exit 97
"$@"
rc=$?
cp -a "$mnt/." "$copy/" || exit 98
exit $rc
'''

    def in_tmpfs(self, opts, make_args):
        """Runs volley with make_args(mount point) on a fresh tmpfs mounted with opts; returns
        (completed process, directory holding a copy of what the tmpfs held afterwards)."""
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        if shutil.which("unshare") is None:
            self.skipTest("unshare(1) is not installed")
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=20)
        if probe.returncode != 0:
            self.skipTest("unshare -m refused: %s" % probe.stderr.decode(errors="replace").strip())
        top = self.tmpdir()
        mnt, copy = os.path.join(top, "mnt"), os.path.join(top, "copy")
        os.mkdir(mnt)
        os.mkdir(copy)
        r = subprocess.run(["unshare", "-m", "sh", "-c", self.SCRIPT, "sh", opts, mnt, copy,
                            harness.volley_path()] + make_args(mnt),
                           capture_output=True, timeout=60, env=harness.child_env())
        if r.returncode == 97:
            self.skipTest("mount -t tmpfs refused: %s" % r.stderr.decode(errors="replace").strip())
        self.assertNotEqual(r.returncode, 98, r.stderr)
        return r, copy

    def test_output_ends_on_a_whole_line(self):
        urls = self.write_file("".join(self.url("/ok?i=%d" % i) + "\n" for i in range(600)))
        r, copy = self.in_tmpfs("size=20k", lambda mnt: ["-q", "-i", urls, "-o", mnt + "/out.jsonl"])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"No space left", r.stderr)
        with open(os.path.join(copy, "out.jsonl"), "rb") as f:
            data = f.read()
        self.assertGreater(len(data), 0, "the lines that fitted are kept")
        harness.parse_lines(data)  # fails on a partial last line

    def test_save_removes_bodies_cut_short(self):
        urls = [self.url("/size/40000?i=%d" % i) for i in range(3)]
        r, copy = self.in_tmpfs("size=64k", lambda mnt: ["-q", "-c", "1", "--save", mnt] + urls)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = harness.parse_lines(r.stdout)
        saved = [o for o in lines if o["error"] is None]
        failed = [o for o in lines if o["error"] is not None]
        self.assertEqual(len(saved), 1, r.stdout)
        for o in failed:
            self.assertErrorKind(o, "save")
            self.assertIn("No space left", o["error"]["message"])
        self.assertEqual(sorted(os.listdir(copy)), [os.path.basename(saved[0]["saved"])],
                         "only whole bodies stay in DIR")
        self.assertEqual(os.path.getsize(os.path.join(copy, os.listdir(copy)[0])), 40000)

    def test_unwritable_save_dir_is_found_at_start(self):
        r, _ = self.in_tmpfs("ro,size=64k", lambda mnt: ["-q", "--save", mnt, self.url("/ok")])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"--save", r.stderr)
        self.assertEqual(self.stats()["count"], 0, "nothing is fetched before the directory is checked")


class TestFileSizeLimit(VolleyTestCase):
    """`ulimit -f`: the kernel sends SIGXFSZ on a write past it, whose default action kills."""

    def test_output_past_the_limit_ends_on_a_whole_line_with_exit_2(self):
        urls = self.write_file("".join(self.url("/ok?i=%d" % i) + "\n" for i in range(600)))
        out = os.path.join(self.tmpdir(), "out.jsonl")
        limit = 20 * 1024

        def small_files():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        for extra in ([], ["--resume"]):
            with self.subTest(args=extra):
                if os.path.exists(out):
                    os.unlink(out)
                r = subprocess.run([harness.volley_path(), "-q", "-i", urls, "-o", out] + extra,
                                   capture_output=True, timeout=60, env=harness.child_env(),
                                   preexec_fn=small_files)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(b"File too large", r.stderr)
                with open(out, "rb") as f:
                    data = f.read()
                self.assertGreater(len(data), 0, "the lines that fitted are kept")
                self.assertLessEqual(len(data), limit)
                harness.parse_lines(data)  # fails on a partial last line


class TestManyHeaderNames(VolleyTestCase):
    def timed(self, query, n=4):
        urls = [self.url("/headers/30000?i=%d%s" % (i, query)) for i in range(n)]
        t0 = time.monotonic()
        r = self.volley("-q", "--headers", *urls, rc=0, timeout=170)
        self.assertEqual(len(r.lines), n)
        return r.lines, time.monotonic() - t0

    def test_thirty_thousand_distinct_names(self):
        # The same run with one name repeated 30,000 times costs the same everywhere but in the
        # grouping, so the comparison holds on a loaded machine or under a sanitizer alike.
        same, same_took = self.timed("&same=1")
        for o in same:
            self.assertEqual(o["headers"]["x"], ", ".join(["v"] * 30000))
        distinct, took = self.timed("")
        for o in distinct:
            self.assertEqual(o["headers"]["x0"], "v")
            self.assertEqual(o["headers"]["x752f"], "v")  # 29,999
            self.assertEqual(len(o["headers"]), 30001)  # and content-length
        # Quadratic grouping cost about a second per response more than one repeated name.
        self.assertLess(took, 2 * same_took + 2, "grouping distinct header names is not linear "
                        "(%.2fs against %.2fs for one repeated name)" % (took, same_took))


if __name__ == "__main__":
    harness.main()
