#!/usr/bin/env python3
"""Benchmark peer for volley --links --title: fetch every URL with aiohttp, parse with lxml.html.

Plain asyncio, a Semaphore(C) and a TCPConnector(limit=C), as bench/aiohttp_fetch.py; each body
is parsed on the event loop, as a scraping script written this way does. One JSON line per URL
on stdout: {"url", "status", "title", "links"} or {"url", "status": 0, "error"}. The links are
those of volley's --links: every <a href>, resolved against <base href> and the page URL,
fragment removed, http(s) only, duplicates removed, in document order.

    python3 bench/aiohttp_lxml.py -c 50 -i urls.txt > out
"""
import argparse
import asyncio
import json
import sys
from urllib.parse import urldefrag, urljoin

import aiohttp
import lxml.etree
import lxml.html


def extract(body, url):
    try:
        doc = lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):  # an empty or unparsable body has neither
        return None, []
    title = doc.findtext(".//title")
    base = doc.find(".//base[@href]")
    if base is not None:
        url = urljoin(url, base.get("href").strip())
    links, seen = [], set()
    for a in doc.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        link = urldefrag(urljoin(url, href.strip()))[0]
        if link.startswith(("http://", "https://")) and link not in seen:
            seen.add(link)
            links.append(link)
    return (title.strip() if title is not None else None), links


async def fetch(session, sem, url, out):
    async with sem:
        try:
            async with session.get(url) as resp:
                body = await resp.read()
                title, links = extract(body, str(resp.url))
                rec = {"url": url, "status": resp.status, "title": title, "links": links}
        except Exception as e:  # any failure is reported, never fatal
            rec = {"url": url, "status": 0, "error": f"{type(e).__name__}: {e}"}
    out.write(json.dumps(rec) + "\n")


async def main(args):
    with open(args.input, encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip()]
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=0)
    sem = asyncio.Semaphore(args.concurrency)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(fetch(session, sem, u, sys.stdout) for u in urls))
    sys.stdout.flush()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-c", "--concurrency", type=int, default=50)
    p.add_argument("-i", "--input", required=True)
    asyncio.run(main(p.parse_args()))
