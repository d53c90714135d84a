#!/usr/bin/env python3
"""Benchmark peer for volley --crawl: a CrawlSpider that follows every in-site link from one page.

One JSON line per page on stdout, through Scrapy's own feed export (what `scrapy crawl -o
-:jsonlines` writes): {"url", "status", "depth"}. The crawl is breadth-first, as Scrapy's FAQ sets
it up (DEPTH_PRIORITY 1 and FIFO queues), at CONCURRENT_REQUESTS per site, with no robots.txt, no
AutoThrottle, no delay and no depth limit; links are followed only on the first page's host, and
Scrapy's duplicate filter asks for each URL once, the first page included.

Run with Debian's interpreter, for which python3-scrapy is installed:

    /usr/bin/python3 bench/scrapy_crawl.py [-c 50] http://127.0.0.1:8080/crawl/p0.html > out
"""
import argparse
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class SiteSpider(CrawlSpider):
    name = "site"
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def __init__(self, url, *args, **kwargs):
        self.start_urls = [url]
        # OffsiteMiddleware compares host names, without the port.
        self.allowed_domains = [urlsplit(url).hostname]
        super().__init__(*args, **kwargs)

    def start_requests(self):
        # Scrapy's own start request skips the duplicate filter (dont_filter), so the first page
        # would be fetched again when a page links back to it.
        yield Request(self.start_urls[0])

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        yield {"url": response.url, "status": response.status, "depth": response.meta.get("depth", 0)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-c", "--concurrency", type=int, default=50)
    p.add_argument("url")
    args = p.parse_args()
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "DEPTH_LIMIT": 0,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "FEEDS": {"stdout:": {"format": "jsonlines"}},
    })
    process.crawl(SiteSpider, url=args.url)
    process.start()


if __name__ == "__main__":
    main()
