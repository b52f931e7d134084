#!/bin/sh
# The HTML report: `scan --html FILE` writes one self-contained page (its
# pictures beside it in FILE-evidence/ unless --evidence), and `likeness
# report --html` makes the same page, byte for byte, from the scan's JSON
# Lines; a --resume file and a --json array work too; bad input is an error
# naming the line.  (t0206 renders the page in Chromium.)
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall-ep01 $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png

expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --html "$T/a.html" $D/suspects
cp "$T/out" "$T/r.jsonl"
grep_err "^html report: $T/a.html$"
[ -d "$T/a-evidence" ] || fail "--html without --evidence made no picture folder"
[ "$(jq -r 'select(.verdict == "match") | .matches[0].segments[0].evidence' "$T/r.jsonl" |
     grep -c "^$T/a-evidence/")" -eq 2 ] || fail "evidence paths not in $T/a-evidence"
h="$T/a.html"
head -c 15 "$h" | grep -q '<!DOCTYPE html>' || fail "not an HTML page"
grep -q "Content-Security-Policy\" content=\"default-src 'none'; img-src data:" "$h" ||
    fail "no CSP forbidding loads"
grep -q -i -e '<script' -e 'https\?://' -e '<link' -e '@import' -e 'url(' "$h" &&
    fail "the page refers to something outside itself"
[ "$(grep -o 'src="data:image/png;base64,' "$h" | wc -l)" -eq 2 ] || fail "2 pictures expected"
grep -q 'data-work-id="starfall-ep01"' "$h" && grep -q 'data-work-id="tidal-lines"' "$h" ||
    fail "work cards missing"
grep -q '<span class="suspects">3 suspects</span> scanned' "$h" || fail "summary count"

# The same page from the JSON Lines, read later and from elsewhere.
expect_rc 0 "$LIKENESS" report --html "$T/b.html" "$T/r.jsonl"
cmp -s "$T/a.html" "$T/b.html" || fail "report from the JSON Lines differs from scan --html"
expect_rc 0 "$LIKENESS" report --html - - <"$T/r.jsonl"
cmp -s "$T/a.html" "$T/out" || fail "report from standard input differs"

# A --resume file (suspects of two runs) and a --json array.
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --resume "$T/resume.jsonl" $D/suspects/fan-post.jpg
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --min-score 0.45 --resume "$T/resume.jsonl" $D/suspects
expect_rc 0 "$LIKENESS" report --html "$T/c.html" "$T/resume.jsonl"
grep -q '<span class="suspects">3 suspects</span>' "$T/c.html" || fail "resume file: 3 suspects"
grep -q '<h3>Run 2 of 2</h3>' "$T/c.html" || fail "two runs not both described"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --json --fail-on never $D/suspects/unrelated-clip.mp4
cp "$T/out" "$T/one.json"
expect_rc 0 "$LIKENESS" report --html "$T/d.html" "$T/one.json"
grep -q 'data-verdict="clean"' "$T/d.html" || fail "--json array not read"

# A tampered run date (the right length, markup inside) is not shown, and
# no markup from it reaches the page (fuzz_report found it there raw).
jq -c '.run.started = "2026-12-01T<script>Z"' "$T/r.jsonl" >"$T/date.jsonl"
expect_rc 0 "$LIKENESS" report --html "$T/date.html" "$T/date.jsonl"
grep -q -i '<script' "$T/date.html" && fail "a tampered date put markup into the page"
grep -q '<td class="date">not recorded</td>' "$T/date.html" || fail "tampered date shown"

# Errors: no --html, nothing to read, not scan output (the line is named),
# an unwritable destination; nothing half-written is left behind.
expect_rc 2 "$LIKENESS" report "$T/r.jsonl"
grep_err 'needs --html'
expect_rc 2 "$LIKENESS" report --html "$T/e.html"
printf '{"file":"a","verdict":"clean"}\nnonsense\n' >"$T/bad.jsonl"
expect_rc 2 "$LIKENESS" report --html "$T/e.html" "$T/bad.jsonl"
grep_err "bad.jsonl:2"
expect_rc 2 "$LIKENESS" report --html "$T/no/such/dir/e.html" "$T/r.jsonl"
grep_err "no/such/dir/e.html"
ls "$T" | grep -q 'tmp-' && fail "a temporary file was left behind"
[ -e "$T/e.html" ] && fail "a failed report left a file"
exit 0
