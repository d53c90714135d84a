#!/usr/bin/env python3
"""Every shell, SQL and Python example of README.md and docs/{cron,fleet,state,behaviour,output,crawl}.md
runs as written, against servers on loopback, so a doc cannot drift from the binary.

What runs: each fenced block names its language, and the test fails on a fence that names none.
  sh, bash   bash -e -o pipefail, in the document's scratch directory (below). A block that starts
             with `#!` is a script: it is saved and run as `sh SCRIPT 7 8` (shard 7 of 8 is
             127.0.0.1's, by cron.md's own vectors, so a shard script fetches the whole list).
  cron       each line's command, the five time fields taken off, through sh as cron runs it
             (`\\%` is a plain `%`).
  sql        sqlite3 on state.db; a CREATE TABLE must declare what a real state file holds.
  python     python3.
  json       must parse; output.md's --summary-json example has a real summary's keys, in order.
  yaml, ini, text   configuration for other programs, diagrams and messages: not run.
Blocks of a document run in order, in one directory, as a reader follows them. A block that
cannot run here has `<!-- doc-test: skip (reason) -->` on the line before its fence; the test
prints how many were skipped, and refuses a skip on a block that would not run anyway.

How an example meets the local servers, the one substitution (Scratch.substitute, Scratch.env):
  - the scratch directory holds the files the docs name: urls.txt (URLs of a local test server),
    products.json and items.json, out.jsonl (a real run's lines) and state.db (a real --state
    run's file); /srv/crawl, the docs' crawl directory, is the scratch directory;
  - https://example.com/, the site the docs crawl, is SITE (below), on the test server's /site/;
  - redis://queue:6379 and redis://queue.internal:6379 name a redis-server of the test's own,
    and redis-cli talks to it;
  - PATH starts with the built volley and with stubs: `mail` and `alert` record each call in
    mail.log (so a test sees what would have been sent), `some-generator` prints urls.txt;
  - the docs' placeholders are set in the environment: $k (fleet.md's shard of 4, 127.0.0.1's),
    $id (a stream entry id) and $SLURM_ARRAY_TASK_ID (7, as Slurm would set it).
Each block's exit status must be 0, and it may not call `mail` or `alert` (every URL of the
fixtures answers, so nothing is worth an alert). Scenario tests below check what the examples
promise beyond running: cron.md's script on its first night, with a URL failing, while another
run holds the lock, and when volley fails; the SQL reports' output.
"""

import fcntl
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import VolleyTestCase  # noqa: E402
import test_fleet  # noqa: E402  (its redis-server fixture)

ROOT = os.path.normpath(os.path.join(harness.HERE, "..", ".."))
DOCUMENTS = ("README.md", "docs/cron.md", "docs/fleet.md", "docs/state.md", "docs/behaviour.md", "docs/output.md",
             "docs/crawl.md", "docs/crawl-state.md")
RUN = {"sh", "bash", "cron", "sql", "python"}
NOT_RUN = {"json", "yaml", "ini", "text"}
SKIP = re.compile(r"^<!-- doc-test: skip \((.+)\) -->$")
FENCE = re.compile(r"^(`{3,})(.*)$")
TIMEOUT = 120


class Block:
    def __init__(self, doc, line, lang, text, skip):
        self.doc, self.line, self.lang, self.text, self.skip = doc, line, lang, text, skip

    def __repr__(self):
        return "%s:%d (%s)" % (self.doc, self.line, self.lang)


def blocks_of(doc):
    """The fenced blocks of a document, in order, each with its skip reason (or None)."""
    with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, fence, lang = i, m.group(1), m.group(2).strip()
        i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != fence:
            body.append(lines[i])
            i += 1
        skip = SKIP.match(lines[start - 1]) if start > 0 else None
        out.append(Block(doc, start + 1, lang, "\n".join(body) + "\n", skip.group(1) if skip else None))
        i += 1
    return out


def shard_of(host, n):
    """cron.md's definition of a host's shard (FNV-1a 64)."""
    h = 0xCBF29CE484222325
    for b in host.encode().lower():
        h = ((h ^ b) * 0x100000001B3) % 2**64
    return h % n + 1


# The docs' https://example.com/, laid out on the test server's /site/ (hostile_server.h_site): a
# redirect (/docs to /docs/), a PDF, a dead link, a mailto: and another site's link, and ETags, so
# a night after the first meets 304s. /docs/ is reached through the redirect only: a page at depth 1
# linking to it directly could be read first, and take /docs/'s pages past --depth 2 (crawl.md,
# "Depth, order and seq"), one run in many under ASan.
SITE = {
    "": '<title>Example</title><a href="docs">Docs</a> <a href="blog/">Blog</a>'
        ' <a href="about.html#team">About</a> <a href="missing.html">Old page</a>'
        ' <a href="mailto:hello@example.com">Mail</a> <a href="https://example.org/">Elsewhere</a>',
    "about.html": '<title>About</title><a href="./">Home</a> <a href="docs">Docs</a>',
    "docs/": '<title>Docs</title><a href="intro.html">Intro</a> <a href="api.html">API</a>'
             ' <a href="guide.pdf">Guide (PDF)</a> <a href="../">Home</a>',
    "docs/intro.html": '<title>Intro</title><a href="api.html">API</a> <a href="../blog/">Blog</a>',
    "docs/api.html": '<title>API</title><a href="intro.html#start">Intro</a>',
    "blog/": '<title>Blog</title><a href="2026/first.html">First</a> <a href="2026/second.html">Second</a>',
    "blog/2026/first.html": '<title>First</title><a href="second.html">Next</a> <a href="../../docs/api.html">API</a>',
    "blog/2026/second.html": '<title>Second</title><a href="first.html">Previous</a>',
}


def lay_out_site(case):
    """SITE on the case's server; returns its base URL, what https://example.com/ stands for."""
    pages = case.srv.state.site
    for i, (path, body) in enumerate(SITE.items()):
        pages["/site/" + path] = {"body": body, "etag": '"v%d"' % i}
    pages["/site/docs/guide.pdf"] = {"body": b"%PDF-1.4\n", "ctype": "application/pdf"}
    pages["/site/docs"] = {"status": 301, "body": b"", "headers": [("Location", "/site/docs/")]}
    pages["/site/missing.html"] = {"status": 404, "body": "gone\n", "ctype": "text/plain"}
    return case.url("/site/")


STUBS = {
    # What would have been sent: the arguments and stdin, one record a call.
    "mail": '#!/bin/sh\n{ echo "mail $*"; cat; echo; } >> "$DOC_TEST_DIR/mail.log"\n',
    "alert": '#!/bin/sh\necho "alert $*" >> "$DOC_TEST_DIR/mail.log"\n',
    "some-generator": '#!/bin/sh\ncat "$DOC_TEST_DIR/urls.txt"\n',
}


class Scratch:
    """A document's directory: fixtures, stubs on PATH, and the substitutions."""

    def __init__(self, case, redis_url=None, redis_port=None):
        self.case = case
        self.dir = tempfile.mkdtemp(prefix="volley-docs-")
        case.addCleanup(shutil.rmtree, self.dir, True)
        self.bin = os.path.join(self.dir, ".bin")
        os.mkdir(self.bin)
        os.symlink(harness.volley_path(), os.path.join(self.bin, "volley"))
        for name, text in STUBS.items():
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        self.redis_url, self.redis_port = redis_url, redis_port
        self.site_url = lay_out_site(case)
        self.urls = [case.url("/page/links"), case.url("/page/latin1-title"), case.url("/ok"),
                     case.url("/status/404")]
        self.write("urls.txt", "".join(u + "\n" for u in self.urls))
        self.write("products.json", "".join(json.dumps({"page": case.url("/page/prices"), "sku": s}) + "\n"
                                            for s in ("A1", "B2")))
        self.write("items.json", "".join(json.dumps({"link": u, "id": i}) + "\n" for i, u in enumerate(self.urls)))
        self.volley("-q", "-i", "urls.txt", "-o", "out.jsonl")
        self.volley("-q", "-i", "urls.txt", "-o", os.devnull, "--state", "state.db")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def read(self, name):
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()

    def env(self):
        return harness.child_env({"PATH": self.bin + os.pathsep + os.environ.get("PATH", ""),
                                 "DOC_TEST_DIR": self.dir, "HOME": self.dir,
                                 "k": str(shard_of("127.0.0.1", 4)), "id": "0-0",
                                 "SLURM_ARRAY_TASK_ID": str(shard_of("127.0.0.1", 8))})

    def substitute(self, text):
        """SUBSTITUTIONS: the docs' names of places, turned into the local ones."""
        text = text.replace("/srv/crawl", self.dir)
        text = text.replace("https://example.com/", self.site_url)
        if self.redis_url:
            for name in ("redis://queue:6379", "redis://queue.internal:6379"):
                text = text.replace(name, self.redis_url)
            text = re.sub(r"\bredis-cli ", "redis-cli -p %d " % self.redis_port, text)
        return text

    def volley(self, *args):
        r = subprocess.run(["volley"] + list(args), cwd=self.dir, env=self.env(), capture_output=True,
                           timeout=TIMEOUT)
        self.case.assertIn(r.returncode, (0, 1), r.stderr.decode())
        return r

    def sh(self, script, shell=("bash", "-e", "-o", "pipefail", "-c")):
        return subprocess.run(list(shell) + [script], cwd=self.dir, env=self.env(), capture_output=True,
                              timeout=TIMEOUT)

    def run_script(self, text, args=("7", "8")):
        # A script that names its place (`# /srv/crawl/nightly.sh`) is saved there, for the
        # crontab that runs it.
        named = re.match(r"#!.*\n# (/srv/crawl/[\w.-]+)", text)
        path = self.substitute(named.group(1)) if named else os.path.join(self.dir, ".script.sh")
        with open(path, "w") as f:
            f.write(self.substitute(text))
        os.chmod(path, 0o755)
        return subprocess.run(["sh", path] + list(args), cwd=self.dir, env=self.env(), capture_output=True,
                              timeout=TIMEOUT)

    def run_block(self, block):
        text = self.substitute(block.text)
        if block.lang in ("sh", "bash"):
            if text.startswith("#!"):
                return self.run_script(block.text)
            return self.sh(text)
        if block.lang == "cron":
            commands = [line.split(None, 5)[5].replace("\\%", "%") for line in text.splitlines()
                        if line.strip() and not line.lstrip().startswith("#")]
            return self.sh("\n".join(commands), shell=("sh", "-e", "-c"))
        if block.lang == "sql":
            if text.lstrip().upper().startswith("CREATE TABLE"):
                return self.check_schema(block, text)
            return subprocess.run(["sqlite3", "state.db"], input=text.encode(), cwd=self.dir, env=self.env(),
                                  capture_output=True, timeout=TIMEOUT)
        if block.lang == "python":
            return subprocess.run(["python3", "-c", text], cwd=self.dir, env=self.env(), capture_output=True,
                                  timeout=TIMEOUT)
        raise AssertionError("no way to run %r" % block)

    def check_schema(self, block, text):
        """A documented table declares the columns, types, defaults and key a real file has."""
        table = re.match(r"\s*CREATE TABLE (\w+)", text, re.I).group(1)
        doc = sqlite3.connect(":memory:")
        doc.execute(text.strip().rstrip(";"))
        real = sqlite3.connect(os.path.join(self.dir, "state.db"))
        try:
            info = "PRAGMA table_info(%s)" % table
            self.case.assertEqual(doc.execute(info).fetchall(), real.execute(info).fetchall(),
                                  "%r: the table %s is not the one a state file holds" % (block, table))
        finally:
            doc.close()
            real.close()
        return subprocess.CompletedProcess([], 0, b"", b"")


def has_redis():
    return bool(test_fleet.REDIS) and bool(shutil.which("redis-cli"))


MISSING = [tool for tool in ("jq", "sqlite3", "flock", "bash") if not shutil.which(tool)]


@unittest.skipIf(MISSING, "the docs' examples need %s (scripts/test.sh installs them)" % ", ".join(MISSING))
class TestDocsRun(VolleyTestCase):
    def test_every_fence_names_a_language_and_skips_are_few(self):
        skipped = []
        for doc in DOCUMENTS:
            for b in blocks_of(doc):
                self.assertIn(b.lang, RUN | NOT_RUN, "%r: name the fence's language (%s)" % (b, ", ".join(
                    sorted(RUN | NOT_RUN))))
                if b.skip:
                    self.assertIn(b.lang, RUN, "%r is not run anyway: its skip says nothing" % b)
                    skipped.append("%r: %s" % (b, b.skip))
                if b.lang == "json":
                    json.loads(b.text)
        sys.stderr.write("\n  doc-test skips (%d):\n    %s\n" % (len(skipped), "\n    ".join(skipped)))
        self.assertLessEqual(len(skipped), 6, "keep the skips few")

    def run_document(self, doc):
        redis = None
        if any(b.lang in ("sh", "bash") and "redis" in b.text and not b.skip for b in blocks_of(doc)):
            if not has_redis():
                self.skipTest("redis-server or redis-cli is not installed (scripts/setup.sh installs them)")
            redis = test_fleet.RedisServer()
            self.addCleanup(redis.close)
        s = Scratch(self, redis.url("").rstrip("/") if redis else None, redis.port if redis else None)
        ran = 0
        for b in blocks_of(doc):
            if b.skip or b.lang not in RUN:
                continue
            r = s.run_block(b)
            self.assertEqual(r.returncode, 0, "%r failed (exit %d):\n%s\n--- stdout\n%s\n--- stderr\n%s" % (
                b, r.returncode, b.text, r.stdout.decode()[-2000:], r.stderr.decode()[-3000:]))
            self.assertEqual(s.read("mail.log"), "", "%r alerted though every URL answered" % b)
            ran += 1
        return s, ran

    def test_readme(self):
        s, ran = self.run_document("README.md")
        self.assertGreaterEqual(ran, 1)
        # "Fingerprint pages": the bodies were saved where the line says.
        self.assertTrue(os.path.isdir(os.path.join(s.dir, "bodies")))

    def test_cron(self):
        _, ran = self.run_document("docs/cron.md")
        self.assertGreaterEqual(ran, 10)

    def test_fleet(self):
        self.run_document("docs/fleet.md")

    def test_state(self):
        _, ran = self.run_document("docs/state.md")
        self.assertGreaterEqual(ran, 3)

    def test_crawl_state(self):
        _, ran = self.run_document("docs/crawl-state.md")
        self.assertGreaterEqual(ran, 4)

    def test_behaviour(self):
        self.run_document("docs/behaviour.md")

    def test_output(self):
        self.run_document("docs/output.md")

    def test_crawl(self):
        _, ran = self.run_document("docs/crawl.md")
        self.assertGreaterEqual(ran, 4)


@unittest.skipIf(MISSING, "the docs' examples need %s (scripts/test.sh installs them)" % ", ".join(MISSING))
class TestDocsPromises(VolleyTestCase):
    """What the examples say they do, beyond exiting 0."""

    def block(self, doc, text):
        found = [b for b in blocks_of(doc) if text in b.text]
        self.assertTrue(found, "no block of %s holds %r" % (doc, text))
        return found[0]

    def test_cron_whole_job_script(self):
        script = self.block("docs/cron.md", "/srv/crawl/nightly.sh K N").text
        s = Scratch(self)
        day = subprocess.run(["date", "-u", "+%F"], capture_output=True, text=True).stdout.strip()
        out = os.path.join(s.dir, "out", day + ".jsonl")
        summary = os.path.join(s.dir, "out", day + ".summary.json")

        # The first night: nothing has made out/ yet.
        self.assertFalse(os.path.exists(os.path.join(s.dir, "out")))
        r = s.run_script(script)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(out) as f:
            self.assertEqual(len(f.read().splitlines()), len(s.urls))
        with open(summary) as f:
            self.assertEqual(json.load(f)["urls"], len(s.urls))
        self.assertEqual(s.read("mail.log"), "")

        # A rerun while the first still holds the lock: a quiet no-op, not "some URLs failed".
        with open(os.path.join(s.dir, "nightly.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            r = s.run_script(script)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(s.read("mail.log"), "")

        # Another night, with one URL failing: exit 1 is trended, not mailed (too few failures).
        os.remove(out)
        s.write("urls.txt", s.read("urls.txt") + "http://127.0.0.1:%d/\n" % harness.closed_port())
        r = s.run_script(script)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(summary) as f:
            self.assertEqual(json.load(f)["errors_total"], 1)
        self.assertEqual(s.read("mail.log"), "")

        # A night with 100 failures is mailed, once: the hourly rerun of that night stays quiet.
        # (Lines refused before fetching are shard 1's, so this night runs as shard 1 of 1.)
        os.remove(out)
        s.write("urls.txt", "".join("not a url %d\n" % i for i in range(100)))
        r = s.run_script(script, args=("1", "1"))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(s.read("mail.log").count("many URLs failed"), 1, s.read("mail.log"))
        r = s.run_script(script, args=("1", "1"))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(summary) as f:
            self.assertEqual(json.load(f)["errors"]["invalid_url"], 100)
        self.assertEqual(s.read("mail.log").count("many URLs failed"), 1, s.read("mail.log"))
        os.remove(os.path.join(s.dir, "mail.log"))

        # volley itself fails (exit 2): that is mailed.
        os.remove(os.path.join(s.dir, "urls.txt"))
        r = s.run_script(script)
        self.assertIn("mail -s crawl %s failed ops@example.com" % day, s.read("mail.log"))
        self.assertIn("volley exited 2", s.read("mail.log"))

    def test_state_reports_print_what_they_say(self):
        s = Scratch(self)
        reports = self.block("docs/state.md", "Status classes over the whole store").text
        query = [ln for ln in reports.splitlines() if "xx'" in ln]
        self.assertEqual(len(query), 1, reports)
        r = s.sh(query[0])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        # urls.txt: three 2xx pages and a 404.
        self.assertEqual(r.stdout.decode().split(), ["2xx|3", "4xx|1"])

    def test_resume_mismatch_message_is_the_one_shown(self):
        shown = [b for b in blocks_of("docs/cron.md") if b.lang == "text" and "--resume needs" in b.text]
        self.assertEqual(len(shown), 1)
        s = Scratch(self)
        s.write("list.txt", "".join("https://%s.example/%s\n" % (h, p) for h, p in
                                     (("a", "1"), ("a", "2"), ("a", "3"), ("b", "y"))))
        s.write("out.jsonl", "".join(json.dumps({"url": u, "seq": i, "status": 200, "error": None}) + "\n"
                                     for i, u in enumerate(["https://a.example/1", "https://a.example/2",
                                                            "https://a.example/3", "https://a.example/x"], 1)))
        r = s.sh("volley --resume -i list.txt -o out.jsonl")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.decode().strip(), shown[0].text.strip())

    def test_crawl_examples_print_what_they_say(self):
        s = Scratch(self)

        def run(text):
            r = s.sh(s.substitute(self.block("docs/crawl.md", text).text))
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            return r.stdout.decode()
        # Two links deep: the seed (no parent), then pages each found on a page of the crawl.
        lines = [json.loads(ln) for ln in run("--depth 2").splitlines()]
        self.assertEqual(sorted(ln["depth"] for ln in lines), [0] + [1] * 4 + [2] * 5)
        urls = {ln["url"] for ln in lines}
        self.assertEqual([ln["parent"] for ln in lines if ln["depth"] == 0], [None])
        self.assertTrue(all(ln["parent"] in urls for ln in lines if ln["depth"]), lines)
        # The broken-link report: the one dead link, and the home page that has it.
        dead = [json.loads(ln) for ln in run("on: .parent").splitlines()]
        self.assertEqual([(d["url"], d["status"], d["on"]) for d in dead],
                         [(s.site_url + "missing.html", 404, s.site_url)])
        self.assertEqual(run("--max-pages 3").split(), ["3"])

    def test_summary_json_example_has_a_real_summarys_keys(self):
        example = [b for b in blocks_of("docs/output.md") if b.lang == "json" and '"exit_status"' in b.text]
        self.assertEqual(len(example), 1)
        shown = json.loads(example[0].text)
        s = Scratch(self)
        s.volley("-q", "-i", "urls.txt", "--summary-json", "s.json", "-o", os.devnull)
        with open(os.path.join(s.dir, "s.json")) as f:
            real = json.load(f)

        def shape(o):
            return [(k, shape(v) if isinstance(v, dict) else None) for k, v in o.items()]
        self.assertEqual(shape(shown), shape(real))


if __name__ == "__main__":
    harness.main()
