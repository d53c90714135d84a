#!/usr/bin/env python3
"""A site of PAGES pages made up as they are asked for, for a crawl too large to write out.

Page /p/N (0 <= N < PAGES) is ~1.3 KB of HTML that links to /p/10N+1 … /p/10N+10, those below
PAGES: a tree of fan-out 10 that a crawl from /p/0 walks breadth-first, each page reached by one
link, every page at most log10(PAGES) + 1 links deep. Anything else is a 404.

HTTP/1.1 with keep-alive and pipelining, on asyncio Protocols: the few parts of a request it
reads are the path and the version. WORKERS processes share one listening socket, so the server
keeps up with a crawler on more than one CPU. It prints its port on stdout once it accepts.

    python3 bench/endless_site.py [--port 0] [--pages 1000000] [--workers 2]
"""
import argparse
import asyncio
import os
import signal
import socket
import sys

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua").split()
TEXT = " ".join(WORDS[w % len(WORDS)] for w in range(110))
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot found\n"


def page(n, pages):
    links = "".join(f'<li><a href="/p/{t}">Page {t}</a></li>\n' for t in range(10 * n + 1, min(10 * n + 11, pages)))
    body = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Page {n}</title></head>\n'
            f'<body>\n<h1>Page {n}</h1>\n<p>{TEXT}</p>\n<ul>\n{links}</ul>\n</body></html>\n').encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


def answer(request_line, pages):
    parts = request_line.split(b" ")
    if len(parts) == 3 and parts[1].startswith(b"/p/") and parts[1][3:].isdigit():
        n = int(parts[1][3:])
        if n < pages:
            return page(n, pages)
    return NOT_FOUND


class Http(asyncio.Protocol):
    def __init__(self, pages):
        self.pages = pages
        self.buf = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        out = []
        close = False
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            request_line = head.split(b"\r\n", 1)[0]
            out.append(answer(request_line, self.pages))
            # HTTP/1.0 closes after its answer; the crawlers measured all speak 1.1.
            if request_line.endswith(b"HTTP/1.0") or b"\r\nconnection: close" in head.lower():
                close = True
                break
        if out:
            self.transport.write(b"".join(out))
        if close:
            self.transport.close()


async def serve(sock, pages):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    server = await loop.create_server(lambda: Http(pages), sock=sock, backlog=4096)
    async with server:
        await stop


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--pages", type=int, default=1_000_000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(4096)
    sock.setblocking(False)
    children = []
    for _ in range(args.workers - 1):
        pid = os.fork()
        if pid == 0:
            asyncio.run(serve(sock, args.pages))
            os._exit(0)
        children.append(pid)
    print(sock.getsockname()[1], flush=True)
    try:
        asyncio.run(serve(sock, args.pages))
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except ProcessLookupError:
                pass
    sys.stdout.flush()


if __name__ == "__main__":
    main()
