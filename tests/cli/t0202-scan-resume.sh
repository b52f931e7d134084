#!/bin/sh
# `likeness scan --resume`: suspects already reported (by content hash) are
# skipped, results are appended, a partial last line left by a crash is
# dropped, and SIGTERM in the middle of a batch leaves only whole lines.
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" $D/refs/starfall-ep01.mp4

# 24 suspects with distinct content: the demo clips with a few bytes appended
# (the demuxer ignores trailing bytes).
mkdir "$T/in"
i=0
while [ $i -lt 12 ]; do
    for f in generated-clip-017 unrelated-clip; do
        cp "$D/suspects/$f.mp4" "$T/in/$f-$i.mp4"
        printf 'pad%04d' $i >>"$T/in/$f-$i.mp4"
    done
    i=$((i + 1))
done
R="$T/results.jsonl"

# First run over 4 suspects, then the whole folder: only the other 20 are new.
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --resume "$R" "$T"/in/*-0.mp4 "$T"/in/*-1.mp4
[ "$(wc -l <"$R")" -eq 4 ] || fail "first run: expected 4 lines"
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --resume "$R" "$T/in"
grep_err '4 suspects already reported'
[ "$(wc -l <"$R")" -eq 24 ] || fail "resumed run: expected 24 lines in all"
[ "$(jq -r .content_hash "$R" | sort -u | wc -l)" -eq 24 ] || fail "a suspect reported twice"

# Nothing left: everything skipped, file unchanged.
cp "$R" "$T/before"
expect_rc 0 "$LIKENESS" scan --index "$IDX" -q --resume "$R" "$T/in"
cmp -s "$R" "$T/before" || fail "a complete resume file changed"

# A crash left a partial line: it is dropped, the file ends with whole lines.
head -n 23 "$T/before" >"$R"
printf '{"schema":1,"file":"cut' >>"$R"
expect_rc 0 "$LIKENESS" scan --index "$IDX" -q --fail-on never --resume "$R" "$T/in"
grep_err 'partial last line'
[ "$(wc -l <"$R")" -eq 24 ] || fail "after a partial line: expected 24 lines"
jq -e -s 'length == 24' "$R" >/dev/null || fail "resume file does not parse"

# SIGTERM during a batch: exit 143, only whole lines, and a resume completes it.
rm -f "$R"
"$LIKENESS" scan --index "$IDX" -q --fail-on never --jobs 1 --resume "$R" "$T/in" 2>"$T/err" &
pid=$!
# signal once the scan is under way (its first line written), however slow
# the machine (sanitizers, load): a fixed delay could land before start-up
i=0
while [ ! -s "$R" ] && [ $i -lt 400 ] && kill -0 $pid 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
[ "$rc" -eq 143 ] || [ "$rc" -eq 0 ] || fail "interrupted scan exited $rc"
if [ "$rc" -eq 143 ]; then grep_err '^interrupted: '; fi
n=$(wc -l <"$R")
echo "interrupted after $n of 24 (exit $rc)"
[ -z "$(tail -c 1 "$R")" ] || fail "resume file ends inside a line"
jq -e -s "length == $n" "$R" >/dev/null || fail "interrupted resume file does not parse"
expect_rc 0 "$LIKENESS" scan --index "$IDX" -q --fail-on never --resume "$R" "$T/in"
[ "$(wc -l <"$R")" -eq 24 ] || fail "resume after interruption: expected 24 lines"
exit 0
