#!/usr/bin/env python3
"""check-netlog.py — lists the network requests a page made, from a
Chromium net log (--log-net-log=FILE).

Usage: check-netlog.py NETLOG.json

A request is the page's when its URL_REQUEST_START_JOB event belongs to the
page's own network partition (its network_isolation_key names the file://
origin the page was loaded from); the browser's own background requests
carry no page origin and are not counted (chromium.sh sends them nowhere
anyway).  file: and data: URLs are not network requests.  Prints each
request of the page; exit status 0 when there is none, 1 otherwise.
"""
import json
import sys


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short when the browser quit: close it
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log.get("events", []):
        p = e.get("params") or {}
        if types.get(e.get("type")) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        if p["url"].startswith(("file:", "data:")):
            continue
        if "file://" in str(p.get("network_isolation_key", "")) or p.get("initiator") == "null":
            urls.append(p["url"])
    for u in urls:
        print(u)
    return 1 if urls else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
