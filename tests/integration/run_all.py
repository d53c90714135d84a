#!/usr/bin/env python3
"""Run every tests/integration/test_*.py one after another (each is a standalone
unittest program) and exit non-zero if any failed.

    VOLLEY=$PWD/build/volley python3 tests/integration/run_all.py [-k NAME ...]

-k NAME runs only the files whose name contains NAME (repeatable).
"""
import argparse
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", action="append", default=[], help="only files containing this")
    ap.add_argument("--timeout", type=float, default=180, help="per file, seconds")
    args = ap.parse_args()
    if not os.environ.get("VOLLEY"):
        sys.stderr.write("error: VOLLEY is not set: export VOLLEY=/abs/path/to/volley\n")
        return 2
    files = sorted(glob.glob(os.path.join(HERE, "test_*.py")))
    if args.k:
        files = [f for f in files if any(k in os.path.basename(f) for k in args.k)]
    failed = []
    for f in files:
        name = os.path.basename(f)
        t0 = time.monotonic()
        try:
            rc = subprocess.run([sys.executable, f], timeout=args.timeout).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
        dt = time.monotonic() - t0
        print("== %s: %s (%.1fs)" % (name, "ok" if rc == 0 else "FAILED rc=%s" % rc, dt),
              flush=True)
        if rc != 0:
            failed.append(name)
    print("== %d file(s), %d failed%s" % (len(files), len(failed),
                                          (": " + ", ".join(failed)) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
