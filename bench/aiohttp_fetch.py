#!/usr/bin/env python3
"""Benchmark peer for volley: fetch every URL in a file with aiohttp.

Plain asyncio, a Semaphore(C) and a TCPConnector(limit=C); one JSON line per
URL on stdout: {"url", "status", "size"} or {"url", "status": 0, "error"}.

    python3 bench/aiohttp_fetch.py -c 100 -i urls.txt [--cacert ca.pem] > out
"""
import argparse
import asyncio
import json
import ssl
import sys

import aiohttp


async def fetch(session, sem, url, out):
    async with sem:
        try:
            async with session.get(url) as resp:
                body = await resp.read()
                rec = {"url": url, "status": resp.status, "size": len(body)}
        except Exception as e:  # any failure is reported, never fatal
            rec = {"url": url, "status": 0, "error": f"{type(e).__name__}: {e}"}
    out.write(json.dumps(rec) + "\n")


async def main(args):
    with open(args.input, encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip()]
    ssl_ctx = ssl.create_default_context(cafile=args.cacert) if args.cacert else None
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=0, ssl=ssl_ctx)
    sem = asyncio.Semaphore(args.concurrency)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(fetch(session, sem, u, sys.stdout) for u in urls))
    sys.stdout.flush()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-c", "--concurrency", type=int, default=50)
    p.add_argument("-i", "--input", required=True)
    p.add_argument("--cacert")
    asyncio.run(main(p.parse_args()))
