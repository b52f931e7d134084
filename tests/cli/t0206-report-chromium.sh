#!/bin/sh
# The demo's HTML report as a person sees it: `make demo`'s script
# (data/demo/run.sh) writes it, headless Chromium renders it
# (tests/tools/chromium.sh: isolated, nothing can leave the machine), and
#  - the rendered DOM shows every suspect with its verdict, every matched
#    work's card (id, title, owner), each segment's times on both clocks,
#    the frame numbers of its closest pair, both matched regions, and its
#    embedded evidence picture naming the suspect; style marked weaker; no
#    script and nothing pointing outside the page (tests/tools/check-dom.py,
#    against the scan's own JSON Lines; a tampered copy must fail it);
#  - Chromium's net log holds no request of the page
#    (tests/tools/check-netlog.py, which does see the one of a control page
#    with a remote picture);
#  - the screenshot is a PNG of a full page.
# Skipped, with a message, where Debian's chromium is not installed (CI
# installs it: there a missing chromium fails).
. tests/cli/lib.sh
if ! command -v chromium >/dev/null 2>&1 || ! python3 -c 'import json' 2>/dev/null; then
    skip "all" "chromium or python3 is not installed" needs
    exit 0
fi
CHROMIUM="sh tests/tools/chromium.sh"

sh data/demo/run.sh "$LIKENESS" "$T/demo.idx" "$T" >"$T/demo.out" 2>&1 ||
    { cat "$T/demo.out"; fail "the demo failed"; }
page="$T/demo-report.html"
grep -q "^html report: $page$" "$T/demo.out" || fail "the demo does not print the report's path"
grep -q "^screenshot of the HTML report: $T/demo-report.png$" "$T/demo.out" ||
    fail "the demo does not print the screenshot's path"
# what the page should show: the same scan, as JSON Lines
expect_rc 1 "$LIKENESS" scan --index "$T/demo.idx" --jsonl --evidence "$T/ev" data/demo/suspects
cp "$T/out" "$T/results.jsonl"

$CHROMIUM --log-net-log="$T/net.json" --dump-dom "file://$page" >"$T/dom.html" ||
    fail "chromium could not render the page"
grep -q '<article class="suspect"' "$T/dom.html" || fail "chromium rendered no report"
python3 tests/tools/check-dom.py "$T/dom.html" "$T/results.jsonl" ||
    fail "the rendered page does not show what the scan found"
jq -c 'if .matches[0] then .matches[0].segments[0].ref_frame = 9999 else . end' \
    "$T/results.jsonl" >"$T/tampered.jsonl"
python3 tests/tools/check-dom.py "$T/dom.html" "$T/tampered.jsonl" 2>/dev/null &&
    fail "check-dom accepted a page that does not show the frame numbers asked for"
python3 tests/tools/check-netlog.py "$T/net.json" >"$T/requests" ||
    { cat "$T/requests"; fail "the page made network requests"; }

# The net log check sees a page that does reach out.
printf '<!DOCTYPE html><html><body><img src="https://example.invalid/x.png"></body></html>\n' \
    >"$T/control.html"
$CHROMIUM --log-net-log="$T/control.json" --dump-dom "file://$T/control.html" >/dev/null
python3 tests/tools/check-netlog.py "$T/control.json" >"$T/requests" &&
    fail "the net log check missed the control page's request"
grep -q '^https://example.invalid/x.png$' "$T/requests" || fail "control request not listed"

# The screenshot: a PNG, 540 pixels wide (900 at scale 0.6), of a whole page.
shot="$T/demo-report.png"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] || fail "no PNG screenshot"
w=$(od -An -tu1 -j16 -N4 "$shot" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
[ "$w" -eq 540 ] && [ "$(wc -c <"$shot")" -gt 20000 ] || fail "screenshot of ${w}px, too small"
exit 0
