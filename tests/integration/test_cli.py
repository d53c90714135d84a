#!/usr/bin/env python3
"""The command line as a user meets it: a terminal for stdout and stderr, bare `volley` at a
prompt, `-` and `--links all`, flag errors, status classes, -v logs and --summary-json, curl's
flags, and --help."""

import base64
import calendar
import http.server
import json
import os
import re
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402

ISO_MS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def render(data):
    """What a terminal shows for `data`: CR goes back to the line start, ESC [ K erases to its
    end, other escape sequences (colours) show nothing, other characters overwrite. Returns the
    screen's lines."""
    lines, cur, col = [], [], 0
    i = 0
    while i < len(data):
        c = data[i]
        csi = re.compile(r"\x1b\[[0-9;]*([A-Za-z])").match(data, i)
        if csi:
            if csi.group(1) == "K":
                del cur[col:]
            i = csi.end()
            continue
        if c == "\n":
            lines.append("".join(cur))
            cur, col = [], 0
        elif c == "\r":
            col = 0
        else:
            if col < len(cur):
                cur[col] = c
            else:
                cur.append(c)
            col += 1
        i += 1
    if cur:
        lines.append("".join(cur))
    return lines


class TestTerminal(VolleyTestCase):
    def test_json_lines_start_at_a_line_start_on_a_shared_terminal(self):
        # The progress line is drawn at once; the responses come after it.
        urls = [self.url("/delay/400?i=%d" % i) for i in range(6)]
        run = harness.PtyRun(self, ["-c", "3"] + urls, output_tty=True)
        rc = run.wait()
        self.assertEqual(rc, 0, run.data)
        text = run.data.decode("utf-8", "replace")
        self.assertIn("in flight", text, "no progress line was drawn, so the test shows nothing")
        shown = render(text)
        json_lines = [line for line in shown if '{"url"' in line]
        self.assertEqual(len(json_lines), 6, shown)
        for line in json_lines:
            self.assertTrue(line.startswith('{"url"'), "a JSON line glued to the progress line: %r" % line)
            json.loads(line)

    def test_verbose_log_lines_start_at_a_line_start_on_a_terminal(self):
        urls = [self.url("/delay/400?i=%d" % i) for i in range(4)]
        run = harness.PtyRun(self, ["-v", "-o", os.path.join(self.tmpdir(), "out.jsonl")] + urls, output_tty=True)
        self.assertEqual(run.wait(), 0, run.data)
        shown = render(run.data.decode("utf-8", "replace"))
        logs = [line for line in shown if " debug: " in line]
        self.assertEqual(len([line for line in logs if "done #" in line]), 4, shown)
        for line in logs:
            self.assertRegex(line, "^" + ISO_MS + " volley: debug: ", "a log line glued to the progress line")

    def test_bare_volley_at_a_terminal_prints_usage(self):
        run = harness.PtyRun(self, [], stdin_tty=True)
        rc = run.wait(timeout=10)
        err = run.proc.stderr.read().decode()
        self.assertEqual(rc, 2, err)
        self.assertEqual(run.proc.stdout.read(), b"")
        self.assertRegex(err, r"^[Uu]sage: volley ")
        self.assertIn("--help", err)
        self.assertLessEqual(len(err.splitlines()), 3, err)

    def test_dash_reads_the_terminal_when_asked(self):
        for args in (["-q", "-"], ["-q", "-i", "-"]):
            run = harness.PtyRun(self, args, stdin_tty=True, raw=False)
            run.write(self.url("/ok").encode() + b"\n\x04")  # Ctrl-D ends the input
            rc = run.wait(timeout=30)
            out = run.proc.stdout.read()
            self.assertEqual(rc, 0, run.proc.stderr.read())
            lines = harness.parse_lines(out)
            self.assertEqual([o["url"] for o in lines], [self.url("/ok")])


class TestArguments(VolleyTestCase):
    def test_dash_among_urls_is_stdin(self):
        r = self.volley("-q", self.url("/ok?arg"), "-", input=self.url("/ok?stdin") + "\n", rc=0)
        self.assertEqual(sorted(o["url"] for o in r.lines), [self.url("/ok?arg"), self.url("/ok?stdin")])

    def test_links_takes_all_after_a_space(self):
        base = "http://127.0.0.1:%d" % self.port
        want_all = [base + "/dir/s.css", "http://cdn.test/app.js", base + "/dir/a.html", base + "/up.html",
                    "https://other.test/x?q=1", base + "/img.png", base + "/dir/frame.html"]
        want_a = [base + "/dir/a.html", base + "/up.html", "https://other.test/x?q=1"]
        page = self.url("/page/links")
        for args, want in ((["--links", "all"], want_all), (["--links=all"], want_all),
                           (["--links", "a"], want_a), (["--links=a"], want_a), (["--links"], want_a)):
            o = self.volley("-q", *args, page, rc=0).one()
            self.assertEqual(o["links"], want, args)

    def test_links_before_a_url_leaves_the_url_a_url(self):
        r = self.volley("-q", "--links", self.url("/page/links"), self.url("/ok"), rc=0)
        self.assertEqual(sorted(o["url"] for o in r.lines), sorted([self.url("/page/links"), self.url("/ok")]))
        self.assertTrue(all("links" in o for o in r.lines))

    def test_links_value_after_double_dash_is_a_url(self):
        # After --, nothing is a flag or a flag's value.
        r = self.volley("-q", "--resolve", "all:80:127.0.0.1", "--links", "--", "all")
        self.assertEqual(r.one()["url"], "all")

    def test_help_shows_links_as_users_write_it(self):
        r = self.volley("--help", rc=0, parse=False)
        text = r.stdout.decode()
        self.assertNotIn("{a}", text)
        self.assertNotIn("{a,all}", text)
        self.assertRegex(text, r"--links\b.*\ball\b")


class TestFlagErrors(VolleyTestCase):
    def assertOneError(self, args, pattern):
        r = self.volley(*args, rc=2, parse=False, input="")
        self.assertEqual(r.stdout, b"")
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("volley: error: "), r.stderr)
        self.assertRegex(lines[0], pattern)
        return lines[0]

    def test_near_miss_long_flag_suggests_the_flag(self):
        self.assertOneError(["--concurency", "5", self.url("/ok")], r"--concurency.*did you mean --concurrency\?")
        self.assertOneError(["--concurrency-", "5"], r"did you mean --concurrency\?")
        self.assertOneError(["--titel"], r"did you mean --title\?")
        self.assertOneError(["--max-bdy=1M"], r"--max-bdy.*did you mean --max-body\?")

    def test_far_miss_suggests_nothing(self):
        line = self.assertOneError(["--zzzzzzzz"], r"--zzzzzzzz")
        self.assertNotIn("did you mean", line)
        self.assertOneError(["-Z"], r"-Z")

    def test_every_parse_error_is_one_line(self):
        for args, pattern in ((["-c"], r"--concurrency"), (["-c", "abc"], r"--concurrency.*abc"),
                              (["-c", "0"], r"--concurrency"), (["--links=foo"], r"--links.*foo"),
                              (["--rate", "-1"], r"--rate"), (["--max-body", "1Q"], r"--max-body.*1Q"),
                              (["--cacert", "/nonexistent/ca.pem"], r"--cacert"),
                              (["--http1.1=x"], r"--http1.1"), (["--match-status", "abc"], r"--match-status")):
            self.assertOneError(args, pattern)

    def test_status_classes(self):
        urls = [self.url("/status/200"), self.url("/status/204"), self.url("/status/301?x"),
                self.url("/status/404"), self.url("/status/503")]
        r = self.volley("-q", "--retries", "0", "--max-redirects", "0", "--match-status", "2xx", *urls, rc=0)
        self.assertEqual(sorted(o["status"] for o in r.lines), [200, 204])
        r = self.volley("-q", "--retries", "0", "--max-redirects", "0", "--filter-status", "4xx,5xx", *urls, rc=0)
        self.assertEqual(sorted(o["status"] for o in r.lines), [200, 204, 301])
        r = self.volley("-q", "--retries", "0", "--max-redirects", "0", "--match-status", "200-299,5XX", *urls, rc=0)
        self.assertEqual(sorted(o["status"] for o in r.lines), [200, 204, 503])


class TestVerboseLog(VolleyTestCase):
    def test_log_lines_have_utc_timestamps_and_no_placeholder_values(self):
        bad = "http://127.0.0.1:%d/" % harness.closed_port()
        r = self.volley("-v", "--retries", "0", self.url("/ok"), bad, rc=1)
        lines = r.stderr.splitlines()
        debug = [line for line in lines if " debug: " in line]
        self.assertTrue(debug, r.stderr)
        for line in debug:
            self.assertRegex(line, "^" + ISO_MS + " ", line)
        done = [line for line in debug if "done #" in line]
        self.assertEqual(len(done), 2, r.stderr)
        ok = [line for line in done if "status 200" in line]
        failed = [line for line in done if "status -" in line]
        self.assertEqual(len(ok), 1, r.stderr)
        self.assertEqual(len(failed), 1, r.stderr)
        self.assertNotIn("none", ok[0])
        self.assertIn("connect", failed[0])
        self.assertNotIn("status 0", r.stderr)
        # The stamp is UTC and now.
        stamp = re.match(ISO_MS, debug[0]).group(0)
        when = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertLess(abs(when - time.time()), 600, stamp)


class TestSummaryJson(VolleyTestCase):
    def read_summary(self, path):
        with open(path) as f:
            text = f.read()
        self.assertEqual(text.count("\n"), 1, text)
        return json.loads(text)

    def test_written_at_the_end_of_a_run(self):
        d = self.tmpdir()
        path = os.path.join(d, "summary.json")
        bad = "http://127.0.0.1:%d/" % harness.closed_port()
        self.volley("-q", "--retries", "0", "--summary-json", path, self.url("/ok"), self.url("/status/404"),
                    bad, rc=1)
        s = self.read_summary(path)
        self.assertEqual(s["urls"], 3)
        self.assertEqual(s["responses"]["2xx"], 1)
        self.assertEqual(s["responses"]["4xx"], 1)
        self.assertEqual(s["errors"]["connect"], 1)
        self.assertEqual(s["exit_status"], 1)
        self.assertEqual(os.listdir(d), ["summary.json"], "a temporary file was left behind")

    def test_replaces_an_old_summary(self):
        path = os.path.join(self.tmpdir(), "summary.json")
        with open(path, "w") as f:
            f.write("old\n" * 1000)
        self.volley("-q", "--summary-json", path, self.url("/ok"), rc=0)
        self.assertEqual(self.read_summary(path)["exit_status"], 0)

    def test_written_when_interrupted(self):
        d = self.tmpdir()
        path = os.path.join(d, "summary.json")
        urls = [self.url("/delay/10000?i=%d" % i) for i in range(4)] + [self.url("/ok")]
        p = self.spawn(["-q", "-c", "4", "--summary-json", path] + urls)
        self.wait_inflight(4)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(10), 143)
        s = self.read_summary(path)
        self.assertEqual((s["urls"], s["interrupted"], s["exit_status"]), (5, 5, 143))

    def test_written_when_the_run_fails_midway(self):
        d = self.tmpdir()
        urls = self.write_file(self.url("/ok") + "\n")
        path = os.path.join(d, "summary.json")
        r = self.volley("-q", "--summary-json", path, "-i", urls, "-i", d, rc=2, parse=False)
        self.assertIn("Is a directory", r.stderr)
        s = self.read_summary(path)
        self.assertEqual((s["urls"], s["exit_status"]), (1, 2))

    def test_unwritable_place_fails_before_fetching(self):
        # Missing directories are created (test_output.py); a file in their way cannot be.
        path = os.path.join(self.write_file("x", "a-file"), "dir", "summary.json")
        r = self.volley("-q", "--summary-json", path, self.url("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(self.path_count("/ok"), 0)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertIn("--summary-json", r.stderr)


MAN_PAGE = os.path.join(harness.HERE, "..", "..", "docs", "volley.1")


def man_option_groups():
    """The subsection titles of the man page's OPTIONS section, in their order."""
    groups, inside = [], False
    with open(MAN_PAGE) as f:
        for line in f:
            if line.startswith(".SH "):
                inside = line.strip() == ".SH OPTIONS"
            elif inside and line.startswith(".SS "):
                groups.append(line[4:].strip())
    return groups


class Ipv6OnlyServer:
    """A server on ::1 alone, answering 200 to any GET."""

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"v6\n")

        def log_message(self, *args):
            pass

    def __init__(self):
        self.server = self.Server(("::1", 0), self.Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class TestCurlHabits(VolleyTestCase):
    SECRET = "s3cr3t-pw-7731"

    def test_grouped_short_flags_as_curl_reads_them(self):
        for args in (["-sL"], ["-sS"], ["-sLm", "10"], ["-sLm10"], ["--silent", "--location", "--compressed"]):
            r = self.volley(*args, self.url("/ok"), rc=0)
            self.assertOk(r.one(), msg=str(args))
            self.assertEqual(r.stderr, "", args)

    def test_max_time_is_the_timeout(self):
        for args in (["-m", "0.5"], ["--max-time", "0.5"], ["-sm0.5"]):
            o = self.volley("--retries", "0", *args, self.url("/delay/5000?k=%s" % self.key()), rc=1).one()
            self.assertErrorKind(o, "timeout", str(args))
            self.assertLess(o["elapsed"], 4, args)

    def test_head_sends_a_head_request(self):
        for flag in ("-I", "--head"):
            self.srv.state.reset()
            o = self.volley("-q", flag, self.url("/ok"), rc=0).one()
            self.assertOk(o)
            self.assertEqual(o["size"], 0)
            self.assertEqual([r["method"] for r in self.requests_seen(path="/ok")], ["HEAD"], flag)

    def test_head_with_another_method_or_a_body_is_a_flag_error(self):
        for args in (["-I", "-X", "GET"], ["-I", "-d", "x"]):
            r = self.volley(*args, self.url("/ok"), rc=2, parse=False)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertEqual(self.requests_seen(), [])

    def test_retry_is_retries(self):
        o = self.volley("-q", "--retry", "1", "--retry-delay", "0", self.url("/flaky/%s/5" % self.key()), rc=0).one()
        self.assertEqual((o["status"], o["attempts"]), (503, 2))

    def test_short_version(self):
        r = self.volley("-V", rc=0, parse=False)
        self.assertTrue(r.stdout.startswith(b"volley "), r.stdout)
        self.assertEqual(r.stdout, self.volley("--version", rc=0, parse=False).stdout)

    def assertNoSecret(self, where, text):
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        encoded = base64.b64encode(("alice:" + self.SECRET).encode()).decode()
        self.assertNotIn(self.SECRET, text, where)
        self.assertNotIn(encoded, text, where)

    def test_user_sends_basic_auth_to_its_host_only_and_never_shows_it(self):
        d = self.tmpdir()
        summary = os.path.join(d, "summary.json")
        other = "http://other.test:%d/echo" % self.port
        urls = [self.url("/echo"), self.url("/redirect/1"), self.url("/to-host?url=" + other),
                "http://127.0.0.1:%d/" % harness.closed_port(), self.url("/status/500")]
        r = self.volley("-v", "--retries", "1", "--retry-delay", "0", "--resolve", "other.test:%d:127.0.0.1" % self.port,
                        "-u", "alice:" + self.SECRET, "--summary-json", summary, "--headers", *urls, rc=1)
        auth = "Basic " + base64.b64encode(("alice:" + self.SECRET).encode()).decode()
        for path in ("/redirect/1", "/redirect/0", "/to-host", "/status/500"):
            for rec in self.requests_seen(path=path):
                self.assertEqual(self.header(rec, "Authorization"), auth, path)
        echoed = self.requests_seen(path="/echo")
        first = [rec for rec in echoed if rec["host"].startswith("127.0.0.1")]
        hop = [rec for rec in echoed if rec["host"].startswith("other.test")]
        self.assertEqual(self.header(first[0], "Authorization"), auth)
        self.assertEqual(len(hop), 1)
        self.assertIsNone(self.header(hop[0], "Authorization"), "the credentials went to another host")
        self.assertEqual(len(r.lines), len(urls))
        self.assertNoSecret("stdout", r.stdout)
        self.assertNoSecret("stderr", r.stderr)
        with open(summary) as f:
            self.assertNoSecret("--summary-json", f.read())

    def test_user_never_goes_to_another_hosts_robots_txt(self):
        # With --robots a hop to another origin first fetches that origin's robots.txt: a
        # transfer of its own, which must not carry -u's credentials any more than the hop does.
        other = "http://other.test:%d/echo" % self.port
        self.volley("-q", "--robots", "--resolve", "other.test:%d:127.0.0.1" % self.port, "-u", "alice:" + self.SECRET,
                    self.url("/to-host?url=" + other), rc=0)
        robots = [rec for rec in self.requests_seen(path="/robots.txt") if rec["host"].startswith("other.test")]
        self.assertEqual(len(robots), 1, self.requests_seen())
        self.assertIsNone(self.header(robots[0], "Authorization"), "the credentials went to another host's robots.txt")
        hop = [rec for rec in self.requests_seen(path="/echo") if rec["host"].startswith("other.test")]
        self.assertEqual(len(hop), 1)
        self.assertIsNone(self.header(hop[0], "Authorization"))

    def test_user_never_shows_in_flag_errors(self):
        for args in (["-c", "0"], ["--bogus"], ["-4", "-6"], ["--max-age", "1h"], ["-7"]):
            r = self.volley("-u", "alice:" + self.SECRET, *args, self.url("/ok"), rc=2, parse=False)
            self.assertNoSecret(str(args), r.stderr)
        r = self.volley("-u", self.SECRET, self.url("/ok"), rc=2, parse=False)
        self.assertNoSecret("no colon", r.stderr)
        self.assertIn("USER:PASSWORD", r.stderr)

    def test_user_is_hidden_from_ps(self):
        for spelling in (["-u", "alice:" + self.SECRET], ["--user=alice:" + self.SECRET]):
            key = self.key()  # the killed run's request is still in flight on the server
            p = self.spawn(["-q"] + spelling + [self.url("/delay/10000?key=%s" % key)])
            self.wait_inflight(1, key=key)
            with open("/proc/%d/cmdline" % p.pid, "rb") as f:
                cmdline = f.read()
            p.kill()
            p.wait(10)
            self.assertIn(b"/delay/10000", cmdline)
            self.assertNoSecret("/proc/PID/cmdline", cmdline)

    def test_ipv4_and_ipv6_restrict_name_resolution(self):
        # dual.test has both addresses; the server listens on 127.0.0.1 only.
        dual = ["--resolve", "dual.test:%d:127.0.0.1,::1" % self.port, "--retries", "0"]
        url = "http://dual.test:%d/ok" % self.port
        self.assertOk(self.volley("-q", "-4", *dual, url, rc=0).one())
        self.assertErrorKind(self.volley("-q", "-6", *dual, url, rc=1).one(), "connect")
        try:
            v6 = Ipv6OnlyServer()
        except OSError:
            self.skipTest("no IPv6 loopback")
        self.addCleanup(v6.close)
        dual = ["--resolve", "dual.test:%d:127.0.0.1,::1" % v6.port, "--retries", "0"]
        url = "http://dual.test:%d/" % v6.port
        self.assertOk(self.volley("-q", "-6", *dual, url, rc=0).one())
        self.assertErrorKind(self.volley("-q", "--ipv4", *dual, url, rc=1).one(), "connect")


class TestFlagLikeTokens(VolleyTestCase):
    def test_a_token_with_a_dash_is_never_a_url(self):
        for token in ("-7", "-1.5", "---x", "-Z"):
            r = self.volley(token, self.url("/ok"), rc=2, parse=False, input="")
            self.assertEqual(r.stdout, b"")
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            self.assertIn("unknown flag " + token, r.stderr)
        self.assertEqual(self.requests_seen(), [])

    def test_curl_names_volley_lacks_get_a_hint(self):
        for args, hint in ((["--request", "POST"], "did you mean -X/--method?"),
                           (["--max-redirs", "3"], "did you mean --max-redirects?"),
                           (["-Z"], "-c N")):
            r = self.volley(*args, self.url("/ok"), rc=2, parse=False, input="")
            self.assertIn(hint, r.stderr)


class TestHelp(VolleyTestCase):
    def test_help_is_grouped_plain_and_narrow(self):
        text = self.volley("--help", rc=0, parse=False).stdout.decode()
        for line in text.splitlines():
            self.assertLessEqual(len(line), 100, line)
            for clutter in ("INT", "FLOAT", "TEXT", "Needs:", "Excludes:", "=[]", "REQUIRED"):
                self.assertNotIn(clutter, line)
        groups = man_option_groups()
        self.assertGreaterEqual(len(groups), 8)
        headers = [line[:-1] for line in text.splitlines() if line and not line.startswith(" ") and line.endswith(":")]
        self.assertEqual([h for h in headers if h != "Arguments"], groups)
        self.assertIn("volley enqueue", text)
        self.assertIn("volley enqueue --help", text)
        self.assertRegex(text, r"--concurrency N +Transfers in flight at most \(default 50\)")
        # Each default said once, and a budget the flags refuse to set to 0 shown as what 0 stands for.
        crawl = text[text.index("\nCrawl:"):text.index("\nWork queue:")]
        for flag in ("--depth", "--scope", "--max-pages", "--max-pages-per-host"):
            entry = re.search(r"(?m)^  %s[ ,].*(\n {20,}\S.*)*" % flag, crawl).group(0)
            self.assertEqual(entry.count("default"), 1, entry)
        self.assertNotIn("(default 0)", crawl)
        self.assertIn("(default: no limit)", crawl)


if __name__ == "__main__":
    harness.main()
