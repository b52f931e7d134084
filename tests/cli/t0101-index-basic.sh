#!/bin/sh
# `likeness index`: add (per-file works and --title groups), duplicate
# skipping, list/info/show (--json), remove, verify, export/import round trip,
# refusal of different sampling options, per-file errors, --index and
# $LIKENESS_INDEX.
. tests/cli/lib.sh
refs=data/demo/refs
ix="$T/a.idx"

expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Tidal Studio" --jobs 2 "$refs"
[ "$(grep -c '^added ' "$T/out")" -eq 2 ] || fail "two files not added"
expect_rc 0 "$LIKENESS" index list --index "$ix" --json
jq -e 'length == 2 and (map(.owner) | unique) == ["Tidal Studio"]
       and (map(.title) | sort) == ["starfall-ep01.mp4", "tidal-lines-keyart.png"]
       and (.[] | select(.title == "starfall-ep01.mp4") | .frames * 4 >= .entries and .entries > 1)
       and (map(.work_id | test("^[0-9a-f]{16}$")) | all)' "$T/out" >/dev/null ||
    fail "list --json wrong"
video_id=$(jq -r '.[] | select(.title == "starfall-ep01.mp4") | .work_id' "$T/out")

# The same content again is skipped with a notice, exit 0.
cp "$refs/starfall-ep01.mp4" "$T/copy.mp4"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Someone Else" "$T/copy.mp4"
grep_err "notice: .*copy.mp4: already indexed in work $video_id"

# One work of several files, tags; a missing file fails alone.
cp data/demo/suspects/fan-post.jpg "$T/p1.jpg"
cp data/demo/suspects/unrelated-clip.mp4 "$T/p2.mp4"
expect_rc 2 "$LIKENESS" index add --index "$ix" --owner "Sea Co" --title "Open Water" \
    --tag lang=en --tag year=2024 "$T/p1.jpg" "$T/missing.mp4" "$T/p2.mp4"
grep_err "^error: .*missing.mp4"
grep_out '^work [0-9a-f]\{16\}: "Open Water" (Sea Co), 2 files'
expect_rc 0 "$LIKENESS" index list --index "$ix"
grep_out 'Open Water.* 2 '
# show: the work's files with duration, frames, entries, size and SHA-256.
"$LIKENESS" index list --index "$ix" --json >"$T/list.json"
group=$(jq -r '.[] | select(.title == "Open Water") | .work_id' "$T/list.json")
expect_rc 0 "$LIKENESS" index show --index "$ix" "$group"
grep_out "^work $group: \"Open Water\" (Sea Co), 2 files; tags lang=en, year=2024$"
grep_out "^$T/p1.jpg  *still  *1  .*$(sha256sum "$T/p1.jpg" | cut -c1-64)$"
grep_out "^$T/p2.mp4  *0:00:04.0  *[0-9]*  .*$(sha256sum "$T/p2.mp4" | cut -c1-64)$"
expect_rc 0 "$LIKENESS" index show --index "$ix" --json "$group"
jq -e --arg s "$(sha256sum "$T/p2.mp4" | cut -c1-64)" '.title == "Open Water" and
       (.files | length) == 2 and .files[1].sha256 == $s and .files[1].duration == 4 and
       .files[1].frames >= 16 and .files[1].entries >= 1 and .files[0].frames == 1' \
    "$T/out" >/dev/null || fail "show --json wrong"
expect_rc 2 "$LIKENESS" index show --index "$ix" no-such-work
grep_err "no work 'no-such-work'"
expect_rc 0 "$LIKENESS" index info --index "$ix" --json
jq -e '.works == 3 and .files == 4 and .owners == 2 and .sampling.fps == 4
       and .sampling.max_dim == 512 and .segment_bytes == 64 + 40 * .entries
       and .bytes_per_entry > 0' "$T/out" >/dev/null || fail "info --json wrong"

# Different sampling options are refused; the same ones are accepted.
expect_rc 2 "$LIKENESS" index add --index "$ix" --owner X --max-dim 256 "$T/p1.jpg"
grep_err "^error: .*a.idx: index made with .*max-dim 512.*refusing.*max-dim 256"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner X --fps 4 "$T/p1.jpg"
grep_err "already indexed"

# Export one work as vPDQ, import it elsewhere, export again: same hashes.
expect_rc 0 "$LIKENESS" index export --index "$ix" --format vpdq --work "$video_id"
cp "$T/out" "$T/video.vpdq"
[ "$(wc -l <"$T/video.vpdq")" -gt 1 ] || fail "vpdq export empty"
expect_rc 0 "$LIKENESS" index import --index "$T/b.idx" --owner "Partner" --title "Shared" \
    --work-id shared1 "$T/video.vpdq"
grep_out "imported [0-9]* hashes .* into work shared1"
# (an imported list keeps times, not frame numbers: those count from 0)
expect_rc 0 "$LIKENESS" index export --index "$T/b.idx" --format vpdq
cut -d, -f2- "$T/out" >"$T/back.vpdq"
cut -d, -f2- "$T/video.vpdq" | cmp -s - "$T/back.vpdq" || fail "vpdq round trip differs"
cut -d, -f1 "$T/out" | awk '$1 != NR - 1 { exit 1 }' || fail "imported frames not numbered from 0"
expect_rc 0 "$LIKENESS" index export --index "$T/b.idx" --format jsonl
jq -e -s 'all(.phash == null and .dhash == null and .style == false and .owner == "Partner")' \
    "$T/out" >/dev/null || fail "imported entries should have PDQ only"
printf 'not,a,hash\n' >"$T/bad.txt"
expect_rc 2 "$LIKENESS" index import --index "$T/b.idx" --owner P --title T "$T/bad.txt"
grep_err "^error: .*bad.txt:1:"

# Remove, verify; the default index path comes from $LIKENESS_INDEX.
expect_rc 0 "$LIKENESS" index remove --index "$ix" "$video_id"
expect_rc 2 "$LIKENESS" index remove --index "$ix" "$video_id"
grep_err "no work '$video_id'"
export LIKENESS_INDEX="$ix"
expect_rc 0 "$LIKENESS" index verify
grep_out '^ok: 2 works, 3 files'
unset LIKENESS_INDEX
(cd "$T" && expect_rc 2 "$LIKENESS" index list) || exit 1
grep_err "likeness.idx: no such index"
expect_rc 2 "$LIKENESS" index bogus
expect_rc 2 "$LIKENESS" index add --index "$ix" "$T/p1.jpg"
grep_err "needs --owner"
exit 0
