#!/usr/bin/env python3
"""Input and output: URL sources, line handling, the JSON line contract,
request options (-X -H -d -A --resolve -x), decoding, stdin streaming."""

import json
import os
import queue
import re
import shlex
import shutil
import resource
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestOutputLine(VolleyTestCase):
    def test_single_url_all_fields(self):
        u = self.url("/ok")
        r = self.volley("-q", u, rc=0)
        o = r.one()
        self.assertEqual(o["url"], u)
        self.assertEqual(o["seq"], 1)
        self.assertEqual(o["status"], 200)
        self.assertEqual(o["final_url"], u)
        self.assertEqual(o["redirects"], 0)
        self.assertEqual(o["http_version"], "1.1")
        self.assertEqual(o["remote_ip"], "127.0.0.1")
        self.assertEqual(o["content_type"], "text/plain")
        self.assertEqual(o["size"], 6)
        self.assertEqual(o["attempts"], 1)
        self.assertIsNone(o["error"])
        self.assertEqual(self.path_count("/ok"), 1)
        self.assertEqual(r.stderr, "", "-q must keep stderr quiet on a clean run")

    def test_time_fields_reflect_server_delay(self):
        o = self.volley("-q", self.url("/delay/300"), rc=0).one()
        self.assertOk(o)
        self.assertGreaterEqual(o["time"]["ttfb"], 0.28, o)
        self.assertGreaterEqual(o["time"]["total"], 0.28, o)
        self.assertGreaterEqual(o["time"]["total"], o["time"]["ttfb"], o)

    def test_content_type_null_when_absent(self):
        o = self.volley("-q", self.url("/notype"), rc=0).one()
        self.assertOk(o)
        self.assertIsNone(o["content_type"])
        self.assertEqual(o["size"], 16)

    def test_http_1_0_response(self):
        o = self.volley("-q", self.url("/http10"), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["http_version"], "1.0")
        self.assertEqual(o["size"], 6)

    def test_http11_flag(self):
        o = self.volley("-q", "--http1.1", self.url("/ok"), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["http_version"], "1.1")

    def test_sizes_and_decoding(self):
        cases = {
            "/size/0": 0, "/size/1": 1, "/size/5000": 5000, "/size/1048576": 1048576,
            "/chunked/3000": 3000, "/gzip": 10000, "/deflate": 10000, "/status/204": 0,
        }
        urls = [self.url(p) for p in cases]
        r = self.volley("-q", *urls, rc=0)
        got = r.by_url()
        self.assertEqual(sorted(got), sorted(urls))
        for p, size in cases.items():
            with self.subTest(path=p):
                o = got[self.url(p)]
                self.assertIsNone(o["error"], o)
                self.assertEqual(o["size"], size, o)
        self.assertEqual(got[self.url("/status/204")]["status"], 204)

    def test_4xx_5xx_are_not_errors(self):
        urls = [self.url("/status/404"), self.url("/status/418"), self.url("/status/501")]
        r = self.volley("-q", "--retries", "0", *urls, rc=0)
        got = r.by_url()
        for u, st in zip(urls, (404, 418, 501)):
            with self.subTest(url=u):
                self.assertOk(got[u], status=st)
                self.assertEqual(got[u]["attempts"], 1)

    def test_latin1_headers_and_body(self):
        o = self.volley("-q", self.url("/latin1"), rc=0).one()  # harness: strict UTF-8
        self.assertOk(o)
        self.assertEqual(o["size"], len(b"Caf\xe9 \xfcber\n"))
        self.assertEqual(o["content_type"], "text/html; charset=iso-8859-1; x=Caf\ufffd")

    def test_json_hostile_header_bytes_round_trip(self):
        o = self.volley("-q", self.url("/weirdtype"), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["content_type"],
                         harness.hostile_server.WEIRD_CONTENT_TYPE.decode("utf-8"))

    def test_output_file(self):
        out = os.path.join(self.tmpdir(), "out.jsonl")
        r = self.volley("-q", "-o", out, self.url("/ok"), self.url("/size/3"), rc=0)
        self.assertEqual(r.stdout, b"", "with -o nothing goes to stdout")
        with open(out, "rb") as f:
            lines = harness.parse_lines(f.read())
        self.assertEqual(sorted(o["size"] for o in lines), [3, 6])
        self.assertEqual(sorted(o["seq"] for o in lines), [1, 2])

    def test_summary_on_stderr_unless_quiet(self):
        r = self.volley(self.url("/ok"), rc=0)
        self.assertEqual(len(r.lines), 1)
        self.assertNotEqual(r.stderr.strip(), "", "a summary is expected on stderr")
        r = self.volley("-q", self.url("/ok"), rc=0)
        self.assertEqual(r.stderr, "")

    def test_verbose_keeps_stdout_pure_json(self):
        r = self.volley("-v", self.url("/ok"), self.url("/redirect/1"), rc=0)
        self.assertEqual(len(r.lines), 2)  # every stdout line parsed as JSON

    def test_version(self):
        r = self.volley("--version", rc=0, parse=False)
        text = r.stdout.decode("utf-8", "replace") + r.stderr
        self.assertRegex(text, r"(?i)volley\D{0,20}\d+\.\d+", r.describe())
        self.assertRegex(text, r"(?i)libcurl\D{0,20}\d+\.\d+", r.describe())

    def test_help(self):
        r = self.volley("--help", rc=0, parse=False)
        text = r.stdout.decode("utf-8", "replace") + r.stderr
        for opt in ("--concurrency", "--per-host", "--rate", "--retries", "--max-body",
                    "--resolve", "--timeout"):
            self.assertIn(opt, text)


class TestInput(VolleyTestCase):
    def check_order(self, r, expected_urls):
        lines = r.by_seq()
        self.assertEqual([o["seq"] for o in lines], list(range(1, len(expected_urls) + 1)),
                         r.describe())
        self.assertEqual([o["url"] for o in lines], expected_urls)

    def test_args_order_and_seq(self):
        urls = [self.url("/size/%d" % i) for i in range(1, 8)]
        r = self.volley("-q", *urls, rc=0)
        self.check_order(r, urls)
        for o in r.lines:
            self.assertEqual(o["size"], int(o["url"].rsplit("/", 1)[1]))

    def test_duplicates_each_get_a_line(self):
        u = self.url("/ok")
        r = self.volley("-q", u, u, u, rc=0)
        self.check_order(r, [u, u, u])
        self.assertEqual(self.path_count("/ok"), 3)

    def test_stdin_when_no_args(self):
        urls = [self.url("/size/%d" % i) for i in (5, 6, 7)]
        r = self.volley("-q", input="\n".join(urls) + "\n", rc=0)
        self.check_order(r, urls)

    def test_stdin_without_trailing_newline(self):
        urls = [self.url("/size/1"), self.url("/size/2")]
        r = self.volley("-q", input="\n".join(urls), rc=0)
        self.check_order(r, urls)

    def test_input_dash_is_stdin(self):
        urls = [self.url("/size/11"), self.url("/size/12")]
        r = self.volley("-q", "-i", "-", input="\n".join(urls) + "\n", rc=0)
        self.check_order(r, urls)

    def test_input_file_comments_blanks_whitespace_crlf(self):
        a, b, c, d = (self.url("/size/%d" % i) for i in (1, 2, 3, 4))
        content = ("# a comment\n"
                   "\n"
                   "   \n"
                   "  %s  \n"
                   "\t%s\t\r\n"
                   "#%s\n"
                   "   # indented comment\n"
                   "%s\r\n"
                   "\n"
                   "%s" % (a, b, c, c, d))
        path = self.write_file(content)
        r = self.volley("-q", "-i", path, rc=0)
        self.check_order(r, [a, b, c, d])
        self.assertEqual(self.stats()["count"], 4)

    def test_multiple_input_files_in_order(self):
        f1 = self.write_file("%s\n%s\n" % (self.url("/size/1"), self.url("/size/2")), "one.txt")
        f2 = self.write_file("# x\n%s\n" % self.url("/size/3"), "two.txt")
        r = self.volley("-q", "-i", f1, "-i", f2, rc=0)
        self.check_order(r, [self.url("/size/%d" % i) for i in (1, 2, 3)])

    def test_no_scheme_gets_http(self):
        raw = "127.0.0.1:%d/ok" % self.port
        o = self.volley("-q", raw, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], raw, "url is reported as read")
        self.assertEqual(o["final_url"], "http://" + raw)

    def test_no_scheme_hostname_with_port(self):
        raw = "localhost:%d/size/4" % self.port  # "localhost:" is not a scheme
        o = self.volley("-q", raw, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], raw)
        self.assertEqual(o["final_url"], "http://" + raw)
        self.assertEqual(o["size"], 4)

    def test_scheme_is_case_insensitive(self):
        raw = "HTTP://127.0.0.1:%d/ok" % self.port
        o = self.volley("-q", raw, rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], raw)

    def test_no_scheme_from_file(self):
        raw = "127.0.0.1:%d/size/9" % self.port
        o = self.volley("-q", "-i", self.write_file("  %s  \n" % raw), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], raw)
        self.assertEqual(o["size"], 9)

    def test_malformed_lines_get_error_lines_and_run_continues(self):
        good1, good2, good3 = self.url("/size/1"), self.url("/size/2"), self.url("/size/3")
        nul = ("http://127.0.0.1:%d/o\x00k" % self.port).encode()
        bad_utf8 = ("http://127.0.0.1:%d/caf" % self.port).encode() + b"\xe9\xff/x"
        huge = ("http://127.0.0.1:%d/" % self.port).encode() + b"a" * (1024 * 1024 + 10)
        data = b"\n".join([good1.encode(), nul, bad_utf8, good2.encode(), huge,
                           good3.encode()]) + b"\n"
        r = self.volley("-q", "-i", self.write_file(data), rc=1, timeout=60)
        lines = r.by_seq()
        self.assertEqual([o["seq"] for o in lines], [1, 2, 3, 4, 5, 6], r.describe()[:3000])
        for i in (0, 3, 5):
            self.assertOk(lines[i])
        self.assertEqual([lines[i]["size"] for i in (0, 3, 5)], [1, 2, 3])
        for i in (1, 2, 4):
            with self.subTest(seq=i + 1):
                self.assertErrorKind(lines[i], "invalid_url")
        self.assertIn("\ufffd", lines[2]["url"], "invalid UTF-8 must be replaced by U+FFFD")
        self.assertTrue(lines[2]["url"].startswith("http://127.0.0.1:%d/caf" % self.port))
        self.assertEqual(self.stats()["count"], 3, "malformed lines must not be fetched")

    def test_invalid_utf8_on_stdin(self):
        data = b"http://127.0.0.1:%d/\xc3\x28\n" % self.port + self.url("/ok").encode() + b"\n"
        r = self.volley("-q", input=data, rc=1)
        lines = r.by_seq()
        self.assertEqual(len(lines), 2)
        self.assertErrorKind(lines[0], "invalid_url")
        self.assertOk(lines[1])

    def test_many_urls(self):
        urls = [self.url("/size/%d" % (i % 50)) for i in range(300)]
        r = self.volley("-q", "-i", self.write_file("\n".join(urls) + "\n"), rc=0)
        self.check_order(r, urls)
        self.assertTrue(all(o["status"] == 200 for o in r.lines))
        self.assertEqual(self.stats()["count"], 300)

    def test_stdin_streaming_first_result_before_eof(self):
        p = self.spawn(["-q"], stdin=subprocess.PIPE)
        reader = harness.LineReader(p.stdout)
        p.stdin.write((self.url("/size/1") + "\n").encode())
        p.stdin.flush()
        try:
            first = reader.get(timeout=10)
        except queue.Empty:
            self.fail("no result within 10 s while stdin stays open: volley is not streaming")
        self.assertIsNotNone(first, "stdout closed early")
        o = harness.parse_lines(first)[0]
        self.assertEqual(o["url"], self.url("/size/1"))
        self.assertEqual(o["seq"], 1)
        self.assertOk(o)
        # second line, still streaming
        p.stdin.write((self.url("/size/2") + "\n").encode())
        p.stdin.flush()
        try:
            second = reader.get(timeout=10)
        except queue.Empty:
            self.fail("second result did not arrive while stdin stays open")
        self.assertEqual(harness.parse_lines(second)[0]["seq"], 2)
        p.stdin.close()
        self.assertEqual(p.wait(15), 0)
        self.assertIsNone(reader.get(timeout=5), "no more lines expected")


class TestIdle(VolleyTestCase):
    def test_no_busy_loop_after_piped_input_ends(self):
        # A pipe at end of file is always readable: watching it would spin the loop while the
        # last transfer waits. CPU time, not wall time, is what this bounds.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = self.spawn(["-q"], stdin=subprocess.PIPE)
        time.sleep(0.3)  # volley finds the pipe empty and starts watching it
        p.stdin.write((self.url("/delay/2000") + "\n").encode())
        p.stdin.close()
        out = p.stdout.read()
        p.wait(30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(out.splitlines()), 1)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.assertLess(cpu, 0.5, "volley used %.2f s of CPU waiting 2 s for one response" % cpu)


class TestStderr(VolleyTestCase):
    def test_verbose_logs_each_transfer(self):
        r = self.volley("-v", self.url("/ok"), self.url("/flaky/%s/1" % self.key()), rc=0)
        self.assertRegex(r.stderr, r"start #1 attempt 1 ")
        self.assertRegex(r.stderr, r"retry #2 in ")
        self.assertRegex(r.stderr, r"done #2 status 200 ")

    def test_no_progress_line_when_stderr_is_not_a_terminal(self):
        r = self.volley("-c", "1", *[self.url("/delay/300")] * 3, rc=0)
        self.assertNotIn("in flight", r.stderr)

    @unittest.skipUnless(shutil.which("script"), "script(1) is not installed")
    def test_progress_line_on_a_terminal_stays_out_of_stdout(self):
        out = os.path.join(self.tmpdir(), "out.jsonl")
        cmd = " ".join([shlex.quote(harness.volley_path()), "-c", "1"] +
                       [shlex.quote(self.url("/delay/300"))] * 4 + [">", shlex.quote(out)])
        p = subprocess.run(["script", "-qefc", cmd, "/dev/null"], capture_output=True, timeout=60,
                           env=harness.child_env())
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn(b"in flight", p.stdout, "the terminal should see the progress line")
        with open(out, "rb") as f:
            lines = harness.parse_lines(f.read())
        self.assertEqual(len(lines), 4)


class TestRequestOptions(VolleyTestCase):
    def test_default_user_agent(self):
        self.volley("-q", self.url("/echo"), rc=0)
        rec = self.requests_seen(path="/echo")[0]
        self.assertRegex(self.header(rec, "User-Agent") or "", r"^volley/\d+\.\d+")
        self.assertEqual(rec["method"], "GET")

    def test_user_agent_option(self):
        self.volley("-q", "-A", "tester/9.9 (x)", self.url("/echo"), rc=0)
        self.volley("-q", "--user-agent", "other/1", self.url("/echo"), rc=0)
        recs = self.requests_seen(path="/echo")
        self.assertEqual([self.header(r, "User-Agent") for r in recs],
                         ["tester/9.9 (x)", "other/1"])

    def test_method_headers_data(self):
        self.volley("-q", "-X", "PUT", "-H", "X-One: 1", "--header", "X-Two: two words",
                    "-d", "payload=1&b=2", self.url("/echo"), rc=0)
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(rec["method"], "PUT")
        self.assertEqual(self.header(rec, "X-One"), "1")
        self.assertEqual(self.header(rec, "X-Two"), "two words")
        self.assertEqual(rec["body"], "payload=1&b=2")
        self.assertEqual(rec["body_len"], len("payload=1&b=2"))

    def test_data_implies_post(self):
        self.volley("-q", "-d", "x=1", self.url("/echo"), rc=0)
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(rec["method"], "POST")
        self.assertEqual(rec["body"], "x=1")

    def test_data_from_file(self):
        payload = "line one\nline two\n" + "z" * 5000
        path = self.write_file(payload, "body.txt")
        self.volley("-q", "-X", "POST", "-d", "@" + path, self.url("/echo"), rc=0)
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(rec["body_len"], len(payload))
        self.assertEqual(rec["body"], payload)

    def test_binary_data_from_file(self):
        payload = b"a\x00b\xff\r\nc" * 100
        path = self.write_file(payload, "body.bin")
        self.volley("-q", "-d", "@" + path, self.url("/echo"), rc=0)
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(rec["body_len"], len(payload), "body must be sent byte for byte")
        self.assertEqual(rec["body"], payload.decode("utf-8", "replace"))

    def test_custom_method_without_body(self):
        self.volley("-q", "-X", "DELETE", self.url("/echo"), rc=0)
        self.assertEqual(self.requests_seen(path="/echo")[0]["method"], "DELETE")

    def test_same_options_apply_to_every_url(self):
        urls = [self.url("/echo?n=%d" % i) for i in range(5)]
        self.volley("-q", "-H", "X-All: yes", *urls, rc=0)
        recs = self.requests_seen(path="/echo")
        self.assertEqual(len(recs), 5)
        self.assertTrue(all(self.header(r, "X-All") == "yes" for r in recs))

    def test_resolve(self):
        u = "http://volley-resolve.test:%d/ok" % self.port
        o = self.volley("-q", "--resolve", "volley-resolve.test:%d:127.0.0.1" % self.port, u,
                        rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["remote_ip"], "127.0.0.1")
        self.assertEqual(self.requests_seen(path="/ok")[0]["host"],
                         "volley-resolve.test:%d" % self.port)

    def test_proxy(self):
        u = "http://not-a-real-host.test/ok"
        o = self.volley("-q", "-x", "http://127.0.0.1:%d" % self.port, u, rc=0).one()
        self.assertOk(o)
        rec = self.requests_seen(path="/ok")[0]
        self.assertTrue(rec["proxied"], rec)
        self.assertEqual(rec["raw_path"], u)


if __name__ == "__main__":
    harness.main()
