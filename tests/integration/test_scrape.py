#!/usr/bin/env python3
"""Scraping flags: --title, --links, --extract, --hash, --headers, --save,
--match-status/--filter-status, and request objects on input."""

import hashlib
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402


class TestExtraction(VolleyTestCase):
    def test_title_latin1_page_without_charset(self):
        o = self.volley("-q", "--title", self.url("/page/latin1-title"), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["title"], "Café über")

    def test_title_entities_and_whitespace(self):
        o = self.volley("-q", "--title", self.url("/page/links"), rc=0).one()
        self.assertEqual(o["title"], "Links & more")

    def test_title_null_when_absent(self):
        o = self.volley("-q", "--title", self.url("/ok"), rc=0).one()
        self.assertIn("title", o)
        self.assertIsNone(o["title"])

    def test_links_anchors(self):
        base = "http://127.0.0.1:%d" % self.port
        o = self.volley("-q", "--links", self.url("/page/links"), rc=0).one()
        self.assertEqual(o["links"], [base + "/dir/a.html", base + "/up.html", "https://other.test/x?q=1"])

    def test_links_all(self):
        base = "http://127.0.0.1:%d" % self.port
        o = self.volley("-q", "--links=all", self.url("/page/links"), rc=0).one()
        self.assertEqual(o["links"], [
            base + "/dir/s.css", "http://cdn.test/app.js", base + "/dir/a.html", base + "/up.html",
            "https://other.test/x?q=1", base + "/img.png", base + "/dir/frame.html"])

    def test_extract_named_and_unnamed(self):
        o = self.volley("-q", "--extract", r"money=(\d+) EUR", "--extract", r"[a-z]+-\d+",
                        "--extract", r"key=(?:id)=(\w+)", self.url("/page/prices"), rc=0).one()
        self.assertEqual(o["extract"], {"money": ["12", "3"], r"[a-z]+-\d+": ["abc-42"], "key": ["abc"]})
        self.assertEqual(list(o["extract"].keys()), ["money", r"[a-z]+-\d+", "key"])

    def test_bad_regex_is_a_usage_error(self):
        r = self.volley("--extract", "x=(", self.url("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")
        self.assertIn("extract", r.stderr)

    def test_hash_is_sha256_of_decoded_body(self):
        o = self.volley("-q", "--hash", self.url("/gzip"), rc=0).one()
        self.assertEqual(o["size"], 10000)
        self.assertEqual(o["sha256"], hashlib.sha256(b"a" * 10000).hexdigest())

    def test_hash_survives_every_other_body_flag(self):
        # The hash is taken as the body arrives; extracting from or saving the body afterwards
        # must not lose it.
        body = harness.hostile_server.PAGES["links"][1]
        for flags in (["--title"], ["--links"], ["--extract", "a=(\\w+)"], ["--save", self.tmpdir()],
                      ["--title", "--links", "--extract", "a=(\\w+)", "--save", self.tmpdir()]):
            with self.subTest(flags=flags):
                o = self.volley("-q", "--hash", *flags, self.url("/page/links"), rc=0).one()
                self.assertOk(o)
                self.assertEqual(o["sha256"], hashlib.sha256(body).hexdigest())

    def test_plain_fetch_has_no_scrape_fields(self):
        o = self.volley("-q", self.url("/page/links"), rc=0).one()
        for f in ("title", "links", "extract", "sha256", "headers", "saved", "meta"):
            self.assertNotIn(f, o)

    def test_gzip_bomb_with_title_stops_at_max_body(self):
        start = time.monotonic()
        o = self.volley("-q", "--title", "--links", "--max-body", "2M", self.url("/bomb"), rc=1).one()
        self.assertErrorKind(o, "body_too_large")
        self.assertLess(time.monotonic() - start, 20)


class TestBodyWorkerThreads(VolleyTestCase):
    def threads_logged(self, args, **kw):
        p = self.spawn(["-v", "--title"] + args + [self.url("/ok")], **kw)
        _, err = p.communicate(timeout=harness.DEFAULT_TIMEOUT)
        m = re.search(r"body work on (\d+) thread", err.decode("utf-8", "replace"))
        self.assertIsNotNone(m, err.decode("utf-8", "replace"))
        return int(m.group(1))

    def test_one_thread_per_cpu_of_the_affinity_mask_at_most_c(self):
        cpus = sorted(os.sched_getaffinity(0))
        self.assertEqual(self.threads_logged([]), min(len(cpus), 50))
        self.assertEqual(self.threads_logged(["-c", "1"]), 1)
        # As taskset -c does: the child's mask, set between fork and exec.
        self.assertEqual(self.threads_logged([], preexec_fn=lambda: os.sched_setaffinity(0, {cpus[0]})), 1)


class TestHeadersAndSave(VolleyTestCase):
    def test_headers_lowercased_and_repeated_as_arrays(self):
        o = self.volley("-q", "--headers", self.url("/latin1"), rc=0).one()
        h = o["headers"]
        self.assertEqual(h["content-length"], str(o["size"]))
        self.assertIn("x-latin1", h)
        self.assertIn("\ufffd", h["x-latin1"])  # Latin-1 bytes arrive as U+FFFD, valid UTF-8

    def test_headers_of_final_response_only(self):
        o = self.volley("-q", "--headers", self.url("/redirect/2"), rc=0).one()
        self.assertEqual(o["redirects"], 2)
        self.assertNotIn("location", o["headers"])

    def test_save_writes_body_under_dir(self):
        d = self.tmpdir()
        out = self.volley("-q", "--save", d, self.url("/size/1234"), self.url("/ok"), rc=0).by_seq()
        self.assertEqual(out[0]["saved"], os.path.join(d, "1.body"))
        with open(out[0]["saved"], "rb") as f:
            self.assertEqual(len(f.read()), 1234)
        with open(out[1]["saved"], "rb") as f:
            self.assertEqual(f.read(), b"hello\n")
        self.assertEqual(sorted(os.listdir(d)), ["1.body", "2.body"])

    def test_save_failure_is_an_error_line(self):
        d = self.tmpdir()
        os.mkdir(os.path.join(d, "1.body"))  # a directory where the file should go
        o = self.volley("-q", "--save", d, self.url("/ok"), rc=1).one()
        self.assertErrorKind(o, "save")
        self.assertEqual(o["status"], 200)

    def test_save_into_a_file_is_a_usage_error(self):
        path = self.write_file("x", "not-a-dir")
        r = self.volley("--save", path, self.url("/ok"), rc=2, parse=False)
        self.assertEqual(r.stdout, b"")


class TestStatusFilters(VolleyTestCase):
    def urls(self):
        return [self.url("/status/200"), self.url("/status/301"), self.url("/status/404"),
                self.url("/status/302")]

    def test_match_status(self):
        r = self.volley("--match-status", "200,300-399", "--max-redirects", "0", *self.urls(), rc=0)
        self.assertEqual(sorted(o["status"] for o in r.lines), [200, 301, 302])
        self.assertIn("4 URLs", r.stderr, "dropped lines still count in the summary")

    def test_filter_status(self):
        r = self.volley("-q", "--filter-status", "404", "--max-redirects", "0", *self.urls(), rc=0)
        self.assertEqual(sorted(o["status"] for o in r.lines), [200, 301, 302])

    def test_error_lines_have_no_status_to_match(self):
        # /short sends a 200 then breaks off: an error, whatever status it began with.
        r = self.volley("--match-status", "200", self.url("/short"), self.url("/ok"), rc=1)
        self.assertEqual([o["url"] for o in r.lines], [self.url("/ok")])
        self.assertIn("partial=1", r.stderr)

    def test_bad_status_list(self):
        self.volley("--match-status", "2yy", self.url("/ok"), rc=2, parse=False)


class TestRequestObjects(VolleyTestCase):
    def test_method_headers_body_and_meta(self):
        obj = {"url": self.url("/echo"), "method": "PUT", "headers": {"X-Req": "yes", "User-Agent": "obj/1"},
               "body": "payload", "meta": {"user": 42, "tags": ["a", "b"], "z": None, "a": 1.5}}
        line = json.dumps(obj)
        o = self.volley("-q", "-H", "X-Global: g", input=(line + "\n").encode(), rc=0).one()
        self.assertOk(o)
        self.assertEqual(o["url"], obj["url"])
        self.assertEqual(o["meta"], obj["meta"])
        self.assertEqual(list(o["meta"].keys()), ["user", "tags", "z", "a"], "meta keeps its key order")
        rec = self.requests_seen(path="/echo")[0]
        self.assertEqual(rec["method"], "PUT")
        self.assertEqual(rec["body"], "payload")
        self.assertEqual(self.header(rec, "X-Req"), "yes")
        self.assertEqual(self.header(rec, "X-Global"), "g")
        self.assertEqual(self.header(rec, "User-Agent"), "obj/1")

    def test_overrides_do_not_leak_to_the_next_url(self):
        lines = [json.dumps({"url": self.url("/echo"), "method": "DELETE", "headers": {"X-Once": "1"}})]
        lines += [self.url("/echo")] * 5
        self.volley("-q", "-c", "1", input=("\n".join(lines) + "\n").encode(), rc=0)
        recs = self.requests_seen(path="/echo")
        self.assertEqual(len(recs), 6)
        self.assertEqual(sorted(r["method"] for r in recs), ["DELETE"] + ["GET"] * 5)
        self.assertEqual(sum(1 for r in recs if self.header(r, "X-Once")), 1)

    def test_head_object_wins_over_command_line_method(self):
        line = json.dumps({"url": self.url("/echo"), "method": "HEAD"})
        o = self.volley("-q", "-X", "PUT", input=(line + "\n").encode(), rc=0).one()
        self.assertEqual(o["size"], 0)
        self.assertEqual(self.requests_seen(path="/echo")[0]["method"], "HEAD")

    def test_object_fields_replace_flags_one_by_one(self):
        # The object's body replaces -d but keeps -X: GET with a body, as `curl -X GET -d` sends.
        cases = [(["-X", "GET"], {"body": "x"}, ("GET", "x")),
                 (["-X", "HEAD"], {"body": "x"}, ("HEAD", "")),
                 (["-d", "cli"], {"method": "HEAD"}, ("HEAD", "")),
                 (["-d", "cli"], {"method": "GET"}, ("GET", "cli")),
                 (["-X", "PUT"], {"method": "GET"}, ("GET", "")),
                 (["-X", "HEAD"], {"method": "PUT", "body": "x"}, ("PUT", "x"))]
        for flags, fields, expected in cases:
            self.srv.state.reset()
            line = json.dumps(dict(url=self.url("/echo"), **fields))
            self.assertOk(self.volley("-q", *flags, input=(line + "\n").encode(), rc=0).one())
            rec = self.requests_seen(path="/echo")[0]
            self.assertEqual((rec["method"], rec["body"]), expected, "%s %s" % (flags, fields))

    def test_malformed_object_is_invalid_input_and_run_goes_on(self):
        text = '{"url": "%s", oops\n{"method": "GET"}\n%s\n' % (self.url("/ok"), self.url("/ok"))
        r = self.volley("-q", input=text.encode(), rc=1)
        out = r.by_seq()
        self.assertErrorKind(out[0], "invalid_input")
        self.assertErrorKind(out[1], "invalid_input")
        self.assertOk(out[2])

    def test_meta_joins_back_through_jq_style_pipeline(self):
        lines = [json.dumps({"url": self.url("/status/%d" % s), "meta": {"id": i}})
                 for i, s in enumerate([200, 404, 200])]
        r = self.volley("-q", input=("\n".join(lines) + "\n").encode(), rc=0)
        self.assertEqual({o["meta"]["id"]: o["status"] for o in r.lines}, {0: 200, 1: 404, 2: 200})


if __name__ == "__main__":
    harness.main()
