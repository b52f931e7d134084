#!/usr/bin/env python3
"""check-dom.py — checks the DOM of a rendered HTML report against the scan
output it was made from, as a reader would look at the page.

Usage: check-dom.py DOM.html RESULTS.jsonl

DOM.html is what `chromium --dump-dom` printed.  For every suspect of
RESULTS (one JSON object per line) the page must show: its section with the
verdict; per matched work a card with the work id, title and owner; per
segment its suspect and reference times (HH:MM:SS.mmm, as the report
formats them; "picture" for a still side), the frame numbers of its closest
pair, both matched regions (view and rectangle), and its evidence picture
embedded as a PNG whose text chunks name the suspect; style resemblances
marked as weaker evidence.  The page may hold no script and nothing that
points outside it.  Exit status 0 when all holds, 1 otherwise (each
problem printed).
"""
import base64
import json
import struct
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    """Elements as (tag, attrs, text inside), in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        el = [tag, dict(attrs), ""]
        self.elements.append(el)
        if tag not in ("img", "meta", "rect", "polygon", "br", "input", "link"):
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        if any(e[0] == tag for e in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        for el in self.stack:
            el[2] += data


def timecode(s):
    ms = round(s * 1000)
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def png_texts(data):
    """The tEXt/iTXt chunks of a PNG as a dict."""
    out, pos = {}, 8
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            rest = rest[2:]                      # compression flag and method
            _lang, rest = rest.split(b"\0", 1)
            _tkey, text = rest.split(b"\0", 1)
            out[key.decode("latin-1")] = text.decode("utf-8")
        elif kind == b"tEXt":
            key, text = body.split(b"\0", 1)
            out[key.decode("latin-1")] = text.decode("latin-1")
        pos += 12 + n
    return out


def section_of(page, suspect_no):
    """The elements of suspect section number suspect_no (from 1)."""
    start = next((i for i, e in enumerate(page.elements)
                  if e[0] == "article" and e[1].get("id") == "s%d" % suspect_no), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(page.elements))
                if page.elements[i][0] == "article"), len(page.elements))
    return page.elements[start:end]


def check_segment(card, els, o, sg, k, problems):
    """card: the work's card (its segment table holds the time ranges);
    els: the segment's frame pair (the closest pair's times and frames)."""
    name = "%s segment %d" % (o["file"], k)
    still_s, still_r = o["duration"] <= 0, sg.get("ref_duration", 1) <= 0
    row = next((e[2] for e in card if e[0] == "tr" and e[1].get("data-segment") == str(k)), "")
    for t, still in ((sg["suspect_start"], still_s), (sg["suspect_end"], still_s),
                     (sg["ref_start"], still_r), (sg["ref_end"], still_r)):
        want = "picture" if still else timecode(t)
        if want not in row:
            problems.append("%s: time %s not in its table row" % (name, want))
    for t, still in ((sg.get("suspect_time"), still_s), (sg.get("ref_time"), still_r)):
        if t is not None and not still and timecode(t) not in els[0][2]:
            problems.append("%s: closest pair time %s not shown" % (name, timecode(t)))
    frames = [e[2] for e in els if e[0] == "span" and e[1].get("class") == "frame"]
    for key in ("suspect_frame", "ref_frame"):
        if key in sg and str(sg[key]) not in frames:
            problems.append("%s: %s %s not shown" % (name, key, sg[key]))
    for side, key in (("suspect", "suspect_region"), ("reference", "ref_region")):
        r = sg.get(key)
        svg = [e for e in els if e[0] == "svg" and e[1].get("data-side") == side
               and e[1].get("data-view") == (r or {}).get("view")]
        rects = [e for e in els if e[0] == "rect" and e[1].get("class") == "matched"]
        if r and (not svg or not any(
                abs(float(e[1]["data-x"]) - r["x"]) < 1e-3 and
                abs(float(e[1]["data-width"]) - r["width"]) < 1e-3 for e in rects)):
            problems.append("%s: %s region %s not drawn" % (name, side, r))
    if "evidence" in sg:
        imgs = [e for e in els if e[0] == "img"]
        srcs = [e[1].get("src", "") for e in imgs]
        pngs = [base64.b64decode(s.split(",", 1)[1]) for s in srcs
                if s.startswith("data:image/png;base64,")]
        if not any(png_texts(p).get("Suspect") == o["file"] for p in pngs):
            problems.append("%s: no embedded evidence picture naming the suspect" % name)


def check_suspect(page, n, o, problems):
    els = section_of(page, n)
    if els is None or els[0][1].get("data-verdict") != o["verdict"]:
        problems.append("%s: no section with verdict %s" % (o["file"], o["verdict"]))
        return
    cards = [i for i, e in enumerate(els) if e[0] == "div" and e[1].get("class") == "work"]
    for m in o["matches"]:
        at = next((i for i in cards if els[i][1].get("data-work-id") == m["work_id"]), None)
        if at is None:
            problems.append("%s: no card for work %s" % (o["file"], m["work_id"]))
            continue
        card = els[at:next((i for i in cards if i > at), len(els))]
        for what in (m["title"], m["owner"], m["work_id"]):
            if what not in card[0][2]:
                problems.append("%s: card of %s lacks %r" % (o["file"], m["work_id"], what))
        figs = [i for i, e in enumerate(card) if e[0] == "figure"]
        for k, sg in enumerate(m["segments"], 1):
            at = next((i for i in figs if card[i][1].get("data-segment") == str(k)), None)
            if at is None:
                problems.append("%s: no frame pair for segment %d" % (o["file"], k))
                continue
            fig = card[at:next((i for i in figs if i > at), len(card))]
            check_segment(card, fig, o, sg, k, problems)
    if o["style"] and "weaker evidence" not in els[0][2]:
        problems.append("%s: style resemblance not marked as weaker" % o["file"])


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    page = Page()
    with open(argv[1], encoding="utf-8") as f:
        page.feed(f.read())
    with open(argv[2], encoding="utf-8") as f:
        results = [json.loads(line) for line in f if line.strip()]
    problems = []
    for e in page.elements:
        if e[0] in ("script", "iframe", "object", "embed", "link"):
            problems.append("the page has a <%s>" % e[0])
        for key in ("src", "href", "action", "poster"):
            v = e[1].get(key) or ""
            if v and not v.startswith(("data:", "#")):
                problems.append("<%s %s=%r> points outside the page" % (e[0], key, v[:60]))
    for n, o in enumerate(results, 1):
        check_suspect(page, n, o, problems)
    for p in problems:
        print("check-dom: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
