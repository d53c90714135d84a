"""Shared helpers for volley's integration tests (standard library only).

Each tests/integration/test_*.py is a standalone unittest program:

    VOLLEY=/abs/path/to/volley python3 tests/integration/test_basic.py

The binary comes from the VOLLEY environment variable (absolute path); the
programs refuse to run without it.
"""

import asyncio
import fcntl
import json
import os
import pty
import queue
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_DIR = os.path.normpath(os.path.join(HERE, "..", "server"))
if SERVER_DIR not in sys.path:
    sys.path.insert(0, SERVER_DIR)

import hostile_server  # noqa: E402  (path set just above)

DEFAULT_TIMEOUT = 60.0

ERROR_KINDS = {
    "invalid_url", "unsupported_scheme", "dns", "connect", "tls", "timeout",
    "too_many_redirects", "redirect_blocked", "body_too_large", "connection",
    "partial", "protocol", "interrupted", "invalid_input", "save", "host_unreachable",
    "robots_disallowed",
    "poisoned",
}
TIME_KEYS = ("dns", "connect", "tls", "ttfb", "total")


def documented_fields():
    """The fields on every line, from docs/output.md's "## Fields" table. The
    one list in code (src/output/output_fields.hpp) is checked against that table by
    a unit test, so the harness follows both without a copy of its own."""
    path = os.path.join(HERE, "..", "..", "docs", "output.md")
    fields, inside = [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip() == "## Fields"
            elif inside and line.startswith("| `"):
                fields.append(line[3:line.index("`", 3)])
    if not fields:
        raise RuntimeError("no field table in " + path)
    return tuple(fields)


FIELDS = documented_fields()

# Environment variables that would make libcurl use a proxy or change TLS trust.
_SCRUB_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy",
              "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "FTP_PROXY",
              "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_HOME")


def volley_path():
    """Absolute path of the binary under test, from $VOLLEY."""
    p = os.environ.get("VOLLEY")
    if not p:
        raise RuntimeError("VOLLEY is not set: export VOLLEY=/abs/path/to/volley "
                           "(e.g. VOLLEY=$PWD/build/volley)")
    if not os.path.isabs(p):
        raise RuntimeError("VOLLEY must be an absolute path, got %r" % p)
    if not (os.path.isfile(p) and os.access(p, os.X_OK)):
        raise RuntimeError("VOLLEY=%s is not an executable file" % p)
    return p


def sanitized():
    """Whether the binary under test was built with AddressSanitizer (-DVOLLEY_SANITIZE=ON): its
    memory is not the release build's, so no RSS bound holds for it."""
    with open(volley_path(), "rb") as f:
        return b"__asan_init" in f.read()


def child_env(extra=None):
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB_ENV}
    env.setdefault("LC_ALL", "C.UTF-8")
    if extra:
        env.update(extra)
    return env


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def schema_problems(obj):
    """List of ways obj deviates from volley's output line contract."""
    p = []
    if not isinstance(obj, dict):
        return ["line is not a JSON object: %r" % (obj,)]
    for f in FIELDS:
        if f not in obj:
            p.append("missing field %r" % f)
    if p:
        return p
    if not isinstance(obj["url"], str):
        p.append("url is not a string")
    if not is_int(obj["seq"]) or obj["seq"] < 1:
        p.append("seq is not a positive int")
    if obj["status"] is not None and not is_int(obj["status"]):
        p.append("status is neither int nor null")
    if obj["final_url"] is not None and not isinstance(obj["final_url"], str):
        p.append("final_url is neither string nor null")
    if not is_int(obj["redirects"]) or obj["redirects"] < 0:
        p.append("redirects is not a non-negative int")
    if obj["http_version"] not in ("1.0", "1.1", "2", None):
        p.append("http_version %r not in 1.0/1.1/2/null" % (obj["http_version"],))
    if obj["remote_ip"] is not None and not isinstance(obj["remote_ip"], str):
        p.append("remote_ip is neither string nor null")
    if obj["content_type"] is not None and not isinstance(obj["content_type"], str):
        p.append("content_type is neither string nor null")
    if not is_int(obj["size"]) or obj["size"] < 0:
        p.append("size is not a non-negative int")
    t = obj["time"]
    if not isinstance(t, dict):
        p.append("time is not an object")
    else:
        for k in TIME_KEYS:
            if k not in t:
                p.append("time.%s missing" % k)
            elif not is_num(t[k]) or t[k] < 0:
                p.append("time.%s is not a non-negative number: %r" % (k, t[k]))
    if not is_int(obj["attempts"]) or obj["attempts"] < 0:
        p.append("attempts is not a non-negative int")
    if not is_num(obj["elapsed"]) or obj["elapsed"] < 0:
        p.append("elapsed is not a non-negative number")
    e = obj["error"]
    if e is not None:
        if not isinstance(e, dict):
            p.append("error is neither null nor an object")
        else:
            if e.get("kind") not in ERROR_KINDS:
                p.append("error.kind %r is not a known kind" % (e.get("kind"),))
            if not isinstance(e.get("message"), str) or not e.get("message"):
                p.append("error.message is not a non-empty string")
    return p


def parse_lines(stdout_bytes, check_schema=True):
    """Decode stdout as strict UTF-8 and parse every line as one JSON object.
    Raises AssertionError (a test failure) on any deviation."""
    try:
        text = stdout_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("stdout is not valid UTF-8: %s; near %r" % (
            e, stdout_bytes[max(0, e.start - 40):e.end + 40]))
    if text and not text.endswith("\n"):
        raise AssertionError("stdout does not end with a newline: ...%r" % text[-200:])
    out = []
    for i, line in enumerate(text.split("\n")[:-1] if text else []):
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise AssertionError("stdout line %d is not JSON (%s): %r" % (i + 1, e, line[:500]))
        if check_schema:
            probs = schema_problems(obj)
            if probs:
                raise AssertionError("stdout line %d violates the schema: %s\n%s" % (
                    i + 1, "; ".join(probs), line[:1000]))
        out.append(obj)
    return out


class Result:
    def __init__(self, args, rc, stdout, stderr, elapsed, check_schema=True, parse=True):
        self.args = args
        self.rc = rc
        self.stdout = stdout  # bytes
        self.stderr = stderr.decode("utf-8", "replace")
        self.elapsed = elapsed
        # parse=False: output that is not JSON lines by contract (--help, --version)
        self.lines = parse_lines(stdout, check_schema) if parse else []

    def by_seq(self):
        return sorted(self.lines, key=lambda o: o["seq"])

    def by_url(self):
        d = {}
        for o in self.lines:
            if o["url"] in d:
                raise AssertionError("url %r appears twice in the output" % o["url"])
            d[o["url"]] = o
        return d

    def one(self):
        if len(self.lines) != 1:
            raise AssertionError("expected exactly one output line, got %d:\n%s" % (
                len(self.lines), self.describe()))
        return self.lines[0]

    def describe(self):
        return "command: %s\nexit: %s  elapsed: %.2fs\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.args), self.rc, self.elapsed,
            self.stdout.decode("utf-8", "replace")[:4000], self.stderr[:4000])


def run(args, input=None, timeout=DEFAULT_TIMEOUT, check_schema=True, env=None, cwd=None,
        parse=True):
    """Run volley with args (list of str), stdin `input` (bytes/str/None).
    Kill it and fail if it takes longer than timeout seconds."""
    cmd = [volley_path()] + list(args)
    if isinstance(input, str):
        input = input.encode()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env or child_env(), cwd=cwd)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("volley did not finish within %ss (killed): %s\nstdout:\n%s\nstderr:\n%s" % (
            timeout, " ".join(cmd), out.decode("utf-8", "replace")[:2000],
            err.decode("utf-8", "replace")[:2000]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Result(cmd, proc.returncode, out, err, time.monotonic() - t0, check_schema, parse)


def spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw):
    """Start volley in the background (caller must reap it; VolleyTestCase.spawn
    registers the cleanup)."""
    kw.setdefault("env", child_env())
    return subprocess.Popen([volley_path()] + list(args), stdin=stdin, stdout=stdout,
                            stderr=stderr, **kw)


class LineReader:
    """Reads a pipe in a daemon thread so lines can be awaited with a timeout."""

    def __init__(self, pipe):
        self.q = queue.Queue()
        self.chunks = []
        self.t = threading.Thread(target=self._run, args=(pipe,), daemon=True)
        self.t.start()

    def _run(self, pipe):
        try:
            for line in iter(pipe.readline, b""):
                self.chunks.append(line)
                self.q.put(line)
        except (OSError, ValueError):
            pass
        self.q.put(None)

    def get(self, timeout):
        """Next line (bytes), None at EOF; raises queue.Empty on timeout."""
        return self.q.get(timeout=timeout)

    def all(self, timeout=10):
        self.t.join(timeout)
        return b"".join(self.chunks)


class OkServer:
    """A fast keep-alive HTTP/1.1 server on 127.0.0.1 giving every request the same answer (200
    "ok" unless another is given) and counting them, for tests of tens of thousands of requests:
    the hostile server's thread per connection does about 500 a second, too few for them."""

    OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

    class Connection(asyncio.Protocol):
        def __init__(self, server):
            self.server = server
            self.pending = b""

        def connection_made(self, transport):
            self.transport = transport

        def data_received(self, data):
            # Requests are GETs without a body: each ends with its blank line.
            self.pending += data
            n = self.pending.count(b"\r\n\r\n")
            if n:
                self.pending = self.pending[self.pending.rindex(b"\r\n\r\n") + 4:]
                self.server.count += n
                self.transport.write(self.server.response * n)

    def __init__(self, response=OK):
        self.response = response
        self.count = 0
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        if not started.wait(10):
            raise RuntimeError("ok server did not start")

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            self.loop.create_server(lambda: OkServer.Connection(self), "127.0.0.1", 0, backlog=512))
        self.port = self.server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    def close(self):
        async def stop():
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def closed_port():
    """A loopback TCP port with nothing listening on it (best effort)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_port():
    """A loopback TCP port for a server that must be told where to listen (nginx, redis-server):
    nothing listens on it yet (best effort, as closed_port)."""
    return closed_port()


def wait_for_port(port, proc, name, timeout=10):
    """Returns once 127.0.0.1:port accepts a connection; raises when the server's process `proc`
    exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("%s did not start on port %d" % (name, port))
        time.sleep(0.05)


def stop_process(proc, timeout=10):
    """Ends a server process a test started: SIGTERM, then SIGKILL if it outlives `timeout`."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class BlackholeListener:
    """A listening socket whose accept queue is full, so new connects hang
    (SYNs are dropped): used for --connect-timeout tests."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fillers = []
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", self.port))
            except (BlockingIOError, OSError):
                pass
            self.fillers.append(s)
        time.sleep(0.2)

    def close(self):
        for s in self.fillers:
            s.close()
        self.sock.close()


class SilentListener:
    """Accepts TCP connections and never sends a byte (a TLS handshake or an
    HTTP response that never comes).  Connections are held at most 30 s."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.accepted = 0
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append((time.monotonic(), c))
            now = time.monotonic()
            for ts, old in [h for h in self.held if now - h[0] > 30]:
                old.close()
            self.held = [h for h in self.held if now - h[0] <= 30]

    def close(self):
        self.sock.close()
        for _, c in self.held:
            c.close()


def make_certs(directory):
    """Generate with openssl: a CA, a CA-signed server cert for 127.0.0.1 and
    localhost, and an untrusted self-signed cert for the same names.
    Returns a dict of paths."""
    d = directory
    p = {k: os.path.join(d, v) for k, v in {
        "ca": "ca.pem", "ca_key": "ca.key", "cert": "server.pem", "key": "server.key",
        "self_cert": "self.pem", "self_key": "self.key"}.items()}
    csr = os.path.join(d, "server.csr")
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "subjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid,issuer\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    cmds = [
        ["openssl", "req", "-x509"] + ec + ["-keyout", p["ca_key"], "-out", p["ca"],
         "-days", "3", "-subj", "/CN=volley test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req"] + ec + ["-keyout", p["key"], "-out", csr, "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", p["ca"], "-CAkey", p["ca_key"],
         "-CAcreateserial", "-out", p["cert"], "-days", "3", "-extfile", ext],
        ["openssl", "req", "-x509"] + ec + ["-keyout", p["self_key"], "-out", p["self_cert"],
         "-days", "3", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    ]
    for c in cmds:
        r = subprocess.run(c, capture_output=True, timeout=30, cwd=d)
        if r.returncode != 0:
            raise RuntimeError("openssl failed: %s\n%s" % (" ".join(c), r.stderr.decode()))
    return p


class PtyRun:
    """volley with some of its standard descriptors on one pseudo-terminal: stdin
    (`stdin_tty`), stdout and stderr (`output_tty`), or stderr alone (`stderr_tty`), stdout
    then going to `stdout` (a file) or a pipe. `cols`: the terminal's width (none: unset, 0)."""

    def __init__(self, test, args, stdin_tty=False, output_tty=False, stderr_tty=False, raw=True,
                 cols=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE):
        self.master, slave = pty.openpty()
        if raw:
            tty.setraw(slave)  # no \n → \r\n translation: the bytes are volley's own
        if cols:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
        test.addCleanup(self._close)
        self.proc = test.spawn(args, stdin=slave if stdin_tty else stdin,
                               stdout=slave if output_tty else stdout,
                               stderr=slave if output_tty or stderr_tty else subprocess.PIPE)
        os.close(slave)
        self.data = b""

    def _close(self):
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def write(self, data):
        os.write(self.master, data)

    def wait(self, timeout=30):
        """Reads the terminal until volley exits and the terminal has no more to say."""
        deadline = time.monotonic() + timeout
        exited = False
        while time.monotonic() < deadline:
            # Once volley has exited, what it wrote is already in the terminal: read until empty.
            r, _, _ = select.select([self.master], [], [], 0 if exited else 0.1)
            if r:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: every slave end is closed
                    break
                if not chunk:
                    break
                self.data += chunk
            elif exited:
                break
            else:
                exited = self.proc.poll() is not None
        try:
            return self.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("volley did not finish within %ss; terminal so far: %r" % (timeout, self.data[-2000:]))


class VolleyTestCase(unittest.TestCase):
    """Base class: one hostile server per test class (reset before each test),
    helpers to run volley and to look at what the server saw."""

    server_per_class = True
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        volley_path()  # fail early and clearly
        if cls.server_per_class:
            cls.srv, cls.port = cls.start_class_server()

    def setUp(self):
        super().setUp()
        if self.server_per_class:
            self.srv.state.reset()

    @classmethod
    def class_tmpdir(cls, prefix="volley-it-"):
        """A directory for the whole class (its servers' files), removed after its last test."""
        d = tempfile.mkdtemp(prefix=prefix)
        cls.addClassCleanup(shutil.rmtree, d, True)
        return d

    # -- servers
    @classmethod
    def start_class_server(cls, tls=None):
        """A hostile server for the whole class, shut down after its last test: (server, port)."""
        srv, port = hostile_server.start_server(tls=tls)
        cls.addClassCleanup(srv.shutdown)
        return srv, port

    def start_server(self, tls=None):
        srv, port = hostile_server.start_server(tls=tls)
        self.addCleanup(srv.shutdown)
        return srv, port

    def url(self, path, port=None, host="127.0.0.1", scheme="http"):
        return "%s://%s:%d%s" % (scheme, host, port or self.port, path)

    def stats(self, srv=None):
        return (srv or self.srv).state.stats()

    def requests_seen(self, srv=None, path=None):
        log = (srv or self.srv).state.request_log()
        return [r for r in log if path is None or r["path"] == path]

    @staticmethod
    def header(rec, name):
        """A request header the server saw: its value, a list if repeated, None if absent."""
        vals = [v for k, v in rec["headers"] if k.lower() == name.lower()]
        return vals[0] if len(vals) == 1 else (vals or None)

    def path_count(self, path, srv=None):
        return self.stats(srv)["count_by_path"].get(path, 0)

    def wait_inflight(self, n, srv=None, timeout=10, key=None):
        """Wait until the server has at least n requests in flight; with `key`, n of those
        whose URL carries ?key=KEY (requests of earlier tests may still be running)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.stats(srv)
            if (st["inflight"] if key is None else st["inflight_by_key"].get(key, 0)) >= n:
                return
            time.sleep(0.05)
        self.fail("server never had %d requests in flight (stats: %s)" % (n, self.stats(srv)))

    def wait_signal_handler(self, p, sig, timeout=10):
        """Wait until process p catches sig (its /proc status lists a handler), so a signal
        sent next is volley's to handle and not the default action of a process starting up."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and p.poll() is None:
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    caught = [ln for ln in f if ln.startswith("SigCgt:")]
            except OSError:
                caught = []
            if caught and int(caught[0].split()[1], 16) & (1 << (int(sig) - 1)):
                return
            time.sleep(0.02)
        self.fail("process %d never installed a handler for signal %d" % (p.pid, int(sig)))

    @staticmethod
    def key():
        """Unique key for /flaky and /retry-after paths, and for ?key= (wait_inflight)."""
        return uuid.uuid4().hex[:12]

    # -- files
    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="volley-it-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def write_file(self, data, name="input.txt"):
        path = os.path.join(self.tmpdir(), name)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    # -- volley
    def volley(self, *args, input=None, timeout=DEFAULT_TIMEOUT, rc=None, check_schema=True,
               parse=True):
        r = run(list(args), input=input, timeout=timeout, check_schema=check_schema, parse=parse)
        if rc is not None:
            self.assertEqual(r.rc, rc, "unexpected exit code\n" + r.describe())
        return r

    def spawn(self, args, **kw):
        p = spawn(args, **kw)

        def reap():
            if p.poll() is None:
                p.kill()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                pass
            for f in (p.stdin, p.stdout, p.stderr):
                if f:
                    try:
                        f.close()
                    except OSError:
                        pass
        self.addCleanup(reap)
        return p

    # -- assertions
    def assertOk(self, line, status=200, msg=""):
        ctx = "%s\nline: %s" % (msg, json.dumps(line))
        self.assertIsNone(line["error"], "unexpected error" + ctx)
        self.assertEqual(line["status"], status, "unexpected status" + ctx)

    def assertErrorKind(self, line, kind, msg=""):
        ctx = "%s\nline: %s" % (msg, json.dumps(line)[:2000])
        self.assertIsNotNone(line["error"], "expected error kind %r, got no error" % kind + ctx)
        self.assertEqual(line["error"]["kind"], kind, "wrong error kind" + ctx)


def main():
    """unittest.main() after checking $VOLLEY, so a missing binary is one clear
    message and a non-zero exit instead of a wall of errors."""
    try:
        volley_path()
    except RuntimeError as e:
        sys.stderr.write("error: %s\n" % e)
        sys.exit(2)
    unittest.main(verbosity=2)
