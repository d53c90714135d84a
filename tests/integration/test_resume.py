#!/usr/bin/env python3
"""--resume -o FILE: after a crash, fetch only what FILE has no line for; -a/--append; -o truncates."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


def read_lines(path):
    with open(path, "rb") as f:
        return harness.parse_lines(f.read())


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def last_per_seq(lines):
    """What docs/cron.md tells consumers to do: the last line of each seq wins."""
    last = {}
    for o in lines:
        last[o["seq"]] = o
    return last


def is_interrupted(o):
    return o["error"] is not None and o["error"]["kind"] == "interrupted"


class TestResume(VolleyTestCase):
    def urls(self, n, path="/ok", key=None):
        key = key or self.key()
        return key, [self.url("%s?key=%s&n=%d" % (path, key, i)) for i in range(1, n + 1)]

    def list_and_output(self, urls):
        """An input file listing `urls`, and where a run over it writes its lines (not made yet)."""
        return self.write_file("\n".join(urls) + "\n"), os.path.join(self.tmpdir(), "out.jsonl")

    def requests_for(self, key, run=None):
        """Requests of this key; with `run`, only those sent with `-H X-Run:RUN` (a killed run's
        last requests may reach the server late, and must not count as the next run's)."""
        return [r for r in self.requests_seen() if ("key=%s&" % key) in r["raw_path"]
                and (run is None or self.header(r, "X-Run") == run)]

    def wait_lines(self, path, n, proc, timeout=30):
        """Wait until `path` holds at least n newline-terminated lines (or the process ends)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if os.path.exists(path) and read_bytes(path).count(b"\n") >= n:
                return
            if proc.poll() is not None:
                self.fail("volley ended (exit %s) before writing %d lines" % (proc.returncode, n))
            time.sleep(0.02)
        self.fail("%s never had %d lines" % (path, n))

    def check_complete(self, path, urls, allow_interrupted=False):
        """Every input URL has exactly one line that is not `interrupted`, the last of its seq."""
        lines = read_lines(path)
        done = [o for o in lines if not is_interrupted(o)]
        self.assertEqual(sorted(o["seq"] for o in done), list(range(1, len(urls) + 1)))
        for o in done:
            self.assertEqual(o["url"], urls[o["seq"] - 1])
        last = last_per_seq(lines)
        self.assertTrue(all(not is_interrupted(o) for o in last.values()))
        if not allow_interrupted:
            self.assertEqual(len(done), len(lines))
        return lines

    # -- a crash, then --resume

    def test_kill_9_mid_run_then_resume_fetches_each_url_once(self):
        n = 80
        key, urls = self.urls(n, "/delay/100")
        inp, out = self.list_and_output(urls)
        p = self.spawn(["-q", "-c", "4", "--retries", "0", "-i", inp, "-o", out])
        self.wait_lines(out, 12, p)
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        self.assertEqual(p.returncode, -signal.SIGKILL)
        done_before = {o["seq"] for o in harness.parse_lines(read_bytes(out)[:read_bytes(out).rfind(b"\n") + 1])}
        self.assertLess(len(done_before), n, "the run was not cut short: make /delay slower")

        summary = os.path.join(self.tmpdir(), "summary.json")
        r = self.volley("--resume", "-c", "8", "--retries", "0", "-i", inp, "-o", out, "--summary-json", summary,
                        "-H", "X-Run: resume", rc=0)
        fetched = len(self.requests_for(key, "resume"))
        self.check_complete(out, urls)
        # Fewer requests than a full rerun: exactly the URLs without a line.
        self.assertEqual(fetched, n - len(done_before), r.describe())
        with open(summary) as f:
            s = json.load(f)
        self.assertEqual(s["skipped"], len(done_before))
        # The summary describes the whole file; what this run did is a part of it.
        self.assertEqual((s["urls"], s["fetched"]), (n, n))
        self.assertEqual((s["this_run"]["urls"], s["this_run"]["fetched"]), (n - len(done_before),) * 2)
        self.assertIn("%d skipped" % len(done_before), r.stderr)

        # Nothing left to do: no request, no new line.
        size = os.path.getsize(out)
        r = self.volley("--resume", "-i", inp, "-o", out, "-H", "X-Run: again", rc=0)
        self.assertEqual(os.path.getsize(out), size)
        self.assertEqual(self.requests_for(key, "again"), [])
        self.assertIn("0 URLs, 0 fetched", r.stderr)
        self.assertIn("%d skipped" % n, r.stderr)

    def test_the_summary_of_a_resume_counts_every_line_of_the_file(self):
        # docs/cron.md's script alerts from the summary: after a kill -9 and a --resume, and after
        # an hourly rerun of a night already done, it must still see the whole night's errors.
        n = 60
        key = self.key()
        refused = self.url("/", port=harness.closed_port())
        urls = [refused + "?n=%d" % i if i % 5 == 0 else self.url("/delay/100?key=%s&n=%d" % (key, i))
                for i in range(1, n + 1)]
        inp, out = self.list_and_output(urls)
        # --host-errors 0: the refused host's URLs are all tried, whichever of them the kill leaves
        # to the resumed run, so every URL of this run is fetched.
        p = self.spawn(["-q", "-c", "4", "--retries", "0", "--host-errors", "0", "-i", inp, "-o", out])
        self.wait_lines(out, 12, p)
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        data = read_bytes(out)
        done_before = len(harness.parse_lines(data[:data.rfind(b"\n") + 1]))
        self.assertLess(done_before, n, "the run was not cut short: make /delay slower")

        summary = os.path.join(self.tmpdir(), "summary.json")
        r = self.volley("--resume", "-c", "8", "--retries", "0", "--host-errors", "0", "-i", inp, "-o", out,
                        "--summary-json", summary)
        self.assertIn(r.rc, (0, 1), r.describe())
        lines = self.check_complete(out, urls)
        failed = sum(1 for o in lines if o["error"] is not None)
        self.assertEqual(failed, n // 5)
        with open(summary) as f:
            s = json.load(f)
        kinds = {}
        for o in lines:
            if o["error"] is not None:
                kinds[o["error"]["kind"]] = kinds.get(o["error"]["kind"], 0) + 1
        self.assertEqual((s["urls"], s["errors_total"]), (n, failed))
        self.assertEqual(s["fetched"], sum(1 for o in lines if o["attempts"] > 0))
        self.assertEqual({k: v for k, v in s["errors"].items() if v}, kinds)
        self.assertEqual(s["responses"]["2xx"], n - failed)
        self.assertEqual(s["skipped"], done_before)
        self.assertEqual(s["this_run"]["urls"], n - done_before)
        self.assertEqual(s["this_run"]["fetched"], n - done_before)
        self.assertEqual(r.rc, 1 if s["this_run"]["errors_total"] else 0)
        self.assertIn("volley: %d URLs" % n, r.stderr)
        self.assertIn("errors: " + " ".join("%s=%d" % kv for kv in sorted(kinds.items())), r.stderr)

        # The hourly rerun of a night already done: no request, and the night's summary again.
        r = self.volley("--resume", "-i", inp, "-o", out, "--summary-json", summary, rc=0)
        with open(summary) as f:
            s = json.load(f)
        self.assertEqual((s["urls"], s["errors_total"], s["skipped"]), (n, failed, n))
        self.assertEqual((s["this_run"]["urls"], s["this_run"]["errors_total"]), (0, 0))
        self.assertIn("this run: 0 URLs, 0 fetched", r.stderr)

    def test_interrupted_lines_are_fetched_again_and_the_last_line_per_seq_wins(self):
        n = 40
        key, urls = self.urls(n, "/delay/150")
        inp, out = self.list_and_output(urls)
        p = self.spawn(["-q", "-c", "4", "--retries", "0", "-i", inp, "-o", out])
        self.wait_signal_handler(p, signal.SIGTERM)
        self.wait_lines(out, 8, p)
        p.send_signal(signal.SIGTERM)
        p.wait(20)
        self.assertEqual(p.returncode, 143)
        first = read_lines(out)
        interrupted = {o["seq"] for o in first if is_interrupted(o)}
        self.assertTrue(interrupted, "SIGTERM left no interrupted line")
        summary = os.path.join(self.tmpdir(), "summary.json")
        self.volley("--resume", "-c", "8", "--retries", "0", "-i", inp, "-o", out, "-H", "X-Run: resume",
                    "--summary-json", summary, rc=0)
        lines = self.check_complete(out, urls, allow_interrupted=True)
        # The summary takes the last line of each seq, as a consumer does: an interrupted line
        # fetched again since is not counted.
        with open(summary) as f:
            s = json.load(f)
        self.assertEqual((s["urls"], s["interrupted"], s["errors_total"]), (n, 0, 0))
        # The interrupted lines stay where they were; each got a line of its own after them.
        self.assertEqual(lines[:len(first)], first)
        self.assertEqual(len(self.requests_for(key, "resume")), len(interrupted))
        self.assertEqual(sorted(o["seq"] for o in lines[len(first):]), sorted(interrupted))

    def test_a_partial_last_line_is_cut_and_its_url_fetched_again(self):
        key, urls = self.urls(5)
        inp, out = self.list_and_output(urls)
        self.volley("-i", inp, "-o", out, rc=0)
        whole = sorted(read_bytes(out).splitlines(keepends=True), key=lambda b: json.loads(b)["seq"])
        for tail in (whole[3][:40], whole[3][:-1], b"\0" * 100 + b"\n"):
            with self.subTest(tail=tail[:50]):
                with open(out, "wb") as f:
                    f.write(b"".join(whole[:3]) + tail)
                before = len(self.requests_for(key))
                self.volley("--resume", "-i", inp, "-o", out, rc=0)
                self.check_complete(out, urls)
                self.assertEqual(read_bytes(out)[:sum(map(len, whole[:3]))], b"".join(whole[:3]))
                self.assertEqual(len(self.requests_for(key)) - before, 2)

    def test_a_bad_line_in_the_middle_stays_and_its_url_is_fetched_again(self):
        key, urls = self.urls(4)
        inp, out = self.list_and_output(urls)
        self.volley("-i", inp, "-o", out, rc=0)
        lines = sorted(read_bytes(out).splitlines(keepends=True), key=lambda b: json.loads(b)["seq"])
        # The partial line of a crash, then a run with -a glued onto it.
        broken = lines[0] + lines[1][:30] + lines[2] + lines[3]
        with open(out, "wb") as f:
            f.write(broken)
        before = len(self.requests_for(key))
        r = self.volley("--resume", "-i", inp, "-o", out, rc=0, check_schema=False, parse=False)
        self.assertIn("1 lines are not volley's JSON lines (the first is line 2)", r.stderr)
        data = read_bytes(out)
        self.assertTrue(data.startswith(broken))
        self.assertEqual(sorted(json.loads(b)["seq"] for b in data[len(broken):].splitlines()), [2, 3])
        self.assertEqual(len(self.requests_for(key)) - before, 2)

    # -- the input must be the file's

    def mismatch_case(self, n=6):
        key, urls = self.urls(n)
        inp, out = self.list_and_output(urls)
        self.volley("-i", inp, "-o", out, rc=0)
        lines = sorted(read_bytes(out).splitlines(keepends=True), key=lambda b: json.loads(b)["seq"])
        # seq 2 missing (to be fetched first) and a partial last line (not to be cut).
        crafted = lines[0] + b"".join(lines[2:]) + lines[1][:25]
        with open(out, "wb") as f:
            f.write(crafted)
        changed = list(urls)
        changed[3] = self.url("/ok?key=%s&n=other" % key)
        return key, urls, changed, out, crafted

    def test_a_changed_list_is_refused_and_the_file_left_as_it_was(self):
        key, urls, changed, out, crafted = self.mismatch_case()
        before = len(self.requests_for(key))
        for how in ("-i", "args", "stdin-file"):
            with self.subTest(input=how):
                inp = self.write_file("\n".join(changed) + "\n")
                if how == "-i":
                    r = self.volley("--resume", "-i", inp, "-o", out, rc=2)
                elif how == "args":
                    r = self.volley("--resume", "-o", out, *changed, rc=2)
                else:
                    with open(inp, "rb") as stdin:
                        p = subprocess.run([harness.volley_path(), "--resume", "-o", out], stdin=stdin,
                                           capture_output=True, timeout=60, env=harness.child_env())
                    r = harness.Result(p.args, p.returncode, p.stdout, p.stderr, 0)
                    self.assertEqual(r.rc, 2, r.describe())
                self.assertEqual(read_bytes(out), crafted)
                err = r.stderr.strip().splitlines()
                self.assertEqual(len(err), 1, r.stderr)
                self.assertTrue(err[0].startswith("volley: error: "), r.stderr)
                self.assertIn('as seq 4, where the input\'s URL 4 is "%s"' % changed[3], err[0])
                # Read ahead from a file: refused before any request.
                self.assertEqual(len(self.requests_for(key)), before)

    def test_a_changed_list_on_a_pipe_is_refused_and_the_file_left_as_it_was(self):
        key, urls, changed, out, crafted = self.mismatch_case()
        # A pipe cannot be read twice: seq 2 is read and queued before seq 4 shows the lists
        # differ; whatever became of it, its line is held back, never written.
        r = self.volley("--resume", "-o", out, input="\n".join(changed) + "\n", rc=2)
        self.assertEqual(read_bytes(out), crafted)
        self.assertIn("as seq 4", r.stderr)
        self.assertNotIn("warning", r.stderr)

    def test_a_list_shorter_than_the_file_is_refused(self):
        key, urls, changed, out, crafted = self.mismatch_case()
        for via_pipe in (False, True):
            with self.subTest(pipe=via_pipe):
                text = "\n".join(urls[:4]) + "\n"
                if via_pipe:
                    r = self.volley("--resume", "-o", out, input=text, rc=2)
                else:
                    r = self.volley("--resume", "-o", out, "-i", self.write_file(text), rc=2)
                self.assertIn("but the input has only 4 URLs", r.stderr)
                self.assertEqual(read_bytes(out), crafted)

    def test_the_same_list_on_a_pipe_resumes(self):
        key, urls, changed, out, crafted = self.mismatch_case()
        before = len(self.requests_for(key))
        self.volley("--resume", "-o", out, input="\n".join(urls) + "\n", rc=0)
        self.check_complete(out, urls)
        self.assertEqual(len(self.requests_for(key)) - before, 1)  # seq 2, whose line was partial

    def test_urls_added_at_the_end_of_the_list_are_fetched(self):
        key, urls = self.urls(8)
        out = os.path.join(self.tmpdir(), "out.jsonl")
        self.volley("-o", out, "-i", self.write_file("\n".join(urls[:5]) + "\n"), rc=0)
        before = len(self.requests_for(key))
        # stdin a regular file: read ahead, then read again by the run from where it stood.
        with open(self.write_file("\n".join(urls) + "\n"), "rb") as stdin:
            p = subprocess.run([harness.volley_path(), "--resume", "-o", out], stdin=stdin,
                               capture_output=True, timeout=60, env=harness.child_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.check_complete(out, urls)
        self.assertEqual(len(self.requests_for(key)) - before, 3)

    # -- flags

    def test_resume_needs_an_output_file(self):
        r = self.volley("--resume", self.url("/ok"), rc=2)
        self.assertEqual(r.stderr.strip().splitlines(), [
            "volley: error: --resume needs -o FILE: it fetches what FILE has no line for yet, and appends to it"])
        self.assertEqual(r.stdout, b"")
        r = self.volley("-a", self.url("/ok"), rc=2)
        self.assertEqual(r.stderr.strip(), "volley: error: -a/--append needs -o FILE")

    def test_resume_refuses_a_file_that_is_not_volley_output(self):
        out = self.write_file("http://example.com/\n", name="urls.txt")
        r = self.volley("--resume", "-o", out, self.url("/ok"), rc=2)
        self.assertIn("holds no line of volley's", r.stderr)
        self.assertEqual(read_bytes(out), b"http://example.com/\n")

    def test_resume_leaves_alone_a_file_that_starts_as_json_but_is_not_volley_output(self):
        summary = os.path.join(self.tmpdir(), "s.json")
        self.volley("-q", "--summary-json", summary, "-o", os.devnull, self.url("/ok"), rc=0)
        config = b'{\n  "concurrency": 8,\n  "retries": 2\n}\n'
        binary = b"\0" * 64 + b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x03\x00>"
        for name, content in (("s.json", read_bytes(summary)), ("config.json", config), ("a.out", binary)):
            with self.subTest(name=name):
                out = self.write_file(content, name=name)
                r = self.volley("-q", "--resume", "-o", out, self.url("/ok"), self.url("/ok"), rc=2)
                self.assertEqual(r.stderr.strip().splitlines(), [
                    "volley: error: %s holds no line of volley's: it is not volley's output, "
                    "and --resume leaves it alone" % out])
                self.assertEqual(read_bytes(out), content)

    def test_a_file_of_nuls_only_resumes_as_empty(self):
        key, urls = self.urls(2)
        out = self.write_file(b"\0" * 4096, name="out.jsonl")
        self.volley("--resume", "-o", out, *urls, rc=0)
        self.check_complete(out, urls)

    def test_a_huge_partial_last_line_is_cut_in_little_memory(self):
        key, urls = self.urls(2)
        out = os.path.join(self.tmpdir(), "out.jsonl")
        self.volley("-o", out, urls[0], rc=0)
        first = read_bytes(out)
        # A power cut's NULs after a line's first byte: a sparse file, so the test costs no disk.
        with open(out, "ab") as f:
            f.write(b"{")
            f.truncate(300 * 1024 * 1024)
        p = harness.spawn(["--resume", "-o", out] + urls)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode()
        p.stdout.close()
        p.stderr.close()
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(read_bytes(out)[:len(first)], first)
        self.check_complete(out, urls)
        if not harness.sanitized():
            self.assertLess(usage.ru_maxrss, 64 * 1024, "peak RSS %d KiB" % usage.ru_maxrss)

    def test_two_resumes_of_one_file_do_not_run_at_once(self):
        out = self.write_file(b"", name="out.jsonl")
        with open(out, "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            r = self.volley("--resume", "-o", out, self.url("/ok"), rc=2)
        self.assertEqual(r.stderr.strip(),
                         "volley: error: cannot resume %s: another volley (pid %d) is writing it" % (out, os.getpid()))
        self.assertEqual(read_bytes(out), b"")

    def test_a_plain_output_does_not_truncate_a_file_a_resume_is_writing(self):
        key, urls = self.urls(1)
        _, slow = self.urls(1, path="/delay/2000", key=key)
        out = os.path.join(self.tmpdir(), "out.jsonl")
        p = self.spawn(["--resume", "-o", out, urls[0], slow[0]])
        self.wait_lines(out, 1, p)
        self.wait_inflight(1, key=key)
        before = read_bytes(out)
        for flags in (["-o", out], ["-a", "-o", out]):
            r = self.volley(*flags, self.url("/ok"), rc=2)
            self.assertEqual(r.stderr.strip(), "volley: error: cannot write to output %s: another volley "
                             "(pid %d) is writing it" % (out, p.pid), flags)
            self.assertEqual(read_bytes(out), before)
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.check_complete(out, urls + slow)
        self.volley("--resume", "-o", out, *(urls + slow), rc=0)  # the file is still the run's

    def test_a_resume_does_not_write_into_a_file_a_plain_output_is_writing(self):
        key, urls = self.urls(1)
        _, slow = self.urls(1, path="/delay/2000", key=key)
        out = os.path.join(self.tmpdir(), "out.jsonl")
        p = self.spawn(["-o", out, urls[0], slow[0]])
        self.wait_lines(out, 1, p)
        self.wait_inflight(1, key=key)
        before = read_bytes(out)
        r = self.volley("--resume", "-o", out, *(urls + slow), rc=2)
        self.assertEqual(r.stderr.strip(), "volley: error: cannot resume %s: another volley (pid %d) is "
                         "writing it" % (out, p.pid))
        self.assertEqual(read_bytes(out), before)
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(sorted(o["seq"] for o in read_lines(out)), [1, 2])

    def test_a_signal_before_a_pipe_was_checked_leaves_the_file_as_it_was(self):
        key, urls, changed, out, crafted = self.mismatch_case()
        p = self.spawn(["--resume", "-o", out, "--retries", "0"], stdin=subprocess.PIPE)
        self.wait_signal_handler(p, signal.SIGTERM)
        # Seq 1 is done and seq 2 is fetched; the rest of the list never comes.
        before = len(self.requests_for(key))
        p.stdin.write(("\n".join(urls[:2]) + "\n").encode())
        p.stdin.flush()
        self.wait_requests(key, before + 1)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 143, err)
        self.assertEqual(read_bytes(out), crafted)
        self.assertIn("is left as it was: the run ended before its input could be checked against it", err.decode())

    def wait_requests(self, key, n, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.requests_for(key)) >= n:
                return
            time.sleep(0.02)
        self.fail("the server never had %d requests of key %s" % (n, key))

    def test_resume_into_a_missing_file_fetches_everything(self):
        key, urls = self.urls(3)
        out = os.path.join(self.tmpdir(), "new.jsonl")
        self.volley("--resume", "-o", out, *urls, rc=0)
        self.check_complete(out, urls)

    def test_output_truncates_and_append_appends(self):
        out = self.write_file('{"old": true}\n', name="out.jsonl")
        self.volley("-o", out, self.url("/ok"), rc=0)
        self.assertEqual(len(read_lines(out)), 1)
        self.volley("-a", "-o", out, self.url("/ok"), self.url("/ok"), rc=0)
        self.assertEqual([o["seq"] for o in read_lines(out)][:1], [1])
        self.assertEqual(len(read_lines(out)), 3)
        self.volley("--append", "-o", out, self.url("/ok"), rc=0)
        self.assertEqual(len(read_lines(out)), 4)
        self.volley("-o", out, self.url("/ok"), rc=0)
        self.assertEqual(len(read_lines(out)), 1)

    def test_append_after_a_partial_last_line_starts_a_line_of_its_own(self):
        partial = b'{"url":"x","seq":1,"sta'
        out = self.write_file(partial, name="out.jsonl")
        self.volley("-a", "-o", out, self.url("/ok"), rc=0)
        content = read_bytes(out)
        self.assertTrue(content.startswith(partial + b"\n"), content[:80])
        self.assertEqual([json.loads(l)["seq"] for l in content.splitlines()[1:]], [1])
        # A file that ends with its newline gets none more.
        self.volley("-a", "-o", out, self.url("/ok"), rc=0)
        self.assertEqual(read_bytes(out).count(b"\n\n"), 0)
        self.assertEqual(len(read_bytes(out).splitlines()), 3)

    # -- with --shard and status filters

    def test_a_shard_resumes_its_own_output(self):
        hosts = ["r%d.resume.test" % i for i in range(8)]
        key = self.key()
        urls = [self.url("/ok?key=%s&n=%d" % (key, i), host=hosts[i % len(hosts)]) for i in range(40)]
        inp = self.write_file("\n".join(urls) + "\n")
        resolve = []
        for h in hosts:
            resolve += ["--resolve", "%s:%d:127.0.0.1" % (h, self.port)]
        out = os.path.join(self.tmpdir(), "shard.jsonl")
        self.volley("--shard", "1/2", "-i", inp, "-o", out, *resolve, rc=0)
        mine = sorted(read_bytes(out).splitlines(keepends=True), key=lambda b: json.loads(b)["seq"])
        self.assertTrue(0 < len(mine) < 40)
        with open(out, "wb") as f:
            f.write(b"".join(mine[:len(mine) // 2]))
        before = len(self.requests_for(key))
        r = self.volley("--resume", "--shard", "1/2", "-i", inp, "-o", out, *resolve, rc=0)
        self.assertEqual(len(self.requests_for(key)) - before, len(mine) - len(mine) // 2)
        got = sorted((o["seq"], o["url"]) for o in read_lines(out))
        self.assertEqual(got, [(o["seq"], o["url"]) for o in map(json.loads, mine)])
        self.assertIn("left to other shards", r.stderr)

    def test_lines_dropped_by_a_status_filter_are_fetched_again(self):
        key = self.key()
        urls = [self.url("/status/%d?key=%s&n=%d" % (404 if i % 3 == 0 else 200, key, i)) for i in range(1, 10)]
        inp, out = self.list_and_output(urls)
        self.volley("--match-status", "2xx", "-i", inp, "-o", out, rc=0)
        self.assertEqual(len(read_lines(out)), 6)
        before = len(self.requests_for(key))
        self.volley("--resume", "--match-status", "2xx", "-i", inp, "-o", out, rc=0)
        self.assertEqual(len(self.requests_for(key)) - before, 3)
        self.assertEqual(len(read_lines(out)), 6)

    # -- memory

    def test_a_large_done_file_resumes_quickly_in_little_memory(self):
        n = 200000
        d = self.tmpdir()
        inp = os.path.join(d, "urls.txt")
        out = os.path.join(d, "out.jsonl")
        base = self.url("/ok?key=big&n=")
        with open(inp, "w") as f:
            f.writelines("%s%d\n" % (base, i) for i in range(1, n + 1))
        # Completion order is not input order: write the lines shuffled by blocks.
        order = (s for i in range(0, n, 100) for s in range(min(i + 100, n), i, -1))
        with open(out, "w") as f:
            f.writelines('{"url":"%s%d","seq":%d,"status":200,"time":{"total":0.01},"attempts":1,'
                         '"error":null,"title":"a page"}\n' % (base, s, s) for s in order)
        size = os.path.getsize(out)
        before = self.stats()["count"]
        t0 = time.monotonic()
        p = harness.spawn(["--resume", "-i", inp, "-o", out])
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, for its rusage
        err = p.stderr.read().decode()
        p.stdout.close()
        p.stderr.close()
        self.assertEqual(p.returncode, 0, err)
        if os.environ.get("VOLLEY_TEST_VERBOSE"):
            print("\n%d done lines: %.2fs, peak RSS %d KiB" % (n, elapsed, usage.ru_maxrss), file=sys.stderr)
        self.assertIn("%d skipped" % n, err)
        self.assertEqual(os.path.getsize(out), size)
        self.assertEqual(self.stats()["count"], before)
        self.assertLess(elapsed, 60)
        # ru_maxrss is in KiB: libcurl, the input buffers and two bits per seq; not the URLs' text.
        # AddressSanitizer's shadow and quarantine make an RSS bound meaningless on its build.
        if not harness.sanitized():
            self.assertLess(usage.ru_maxrss, 64 * 1024, "peak RSS %d KiB" % usage.ru_maxrss)


if __name__ == "__main__":
    harness.main()
