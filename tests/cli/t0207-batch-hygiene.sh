#!/bin/sh
# Batch hygiene of `scan` and `index add` over directories: files that are
# not media are skipped (sniffed by content), counted and reported;
# --include/--exclude; symbolic link loops and dangling links reported once
# each; an empty directory or input list is an error; a file cut short says
# how much was decoded; a copy of a suspect already in the resume file is
# reported as a duplicate; undecodable bytes get one wording in both commands.
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
M=${LK_MEDIA:-build/media}
grab=$D/suspects/fan-post.jpg
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png

mkdir -p "$T/in/sub" "$T/in/.hidden" "$T/empty"
cp $D/suspects/* "$T/in/"
cp "$grab" "$T/in/sub/again.jpg"
echo "notes" >"$T/in/notes.txt"
echo '{"a":1}' >"$T/in/meta.json"
cp "$grab" "$T/in/.hidden/x.jpg"
cp "$grab" "$T/in/picture.dat"          # media by content, whatever the name
ln -s nowhere "$T/in/dangling"
ln -s self "$T/in/self"
ln -s .. "$T/in/sub/up"

# Non-media files are skipped and counted, links reported once each, the
# media found; a loop back up the tree is not walked again.
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl "$T/in"
[ "$(wc -l <"$T/out")" -eq 5 ] || { cat "$T/out"; fail "expected the 5 media files"; }
jq -e -s '[.[].file | sub(".*/in/"; "")] == ["fan-post.jpg", "generated-clip-017.mp4",
          "picture.dat", "sub/again.jpg", "unrelated-clip.mp4"] and
          all(.verdict != "error")' "$T/out" >/dev/null || { cat "$T/out"; fail "media found"; }
grep_err "^notice: skipped 2 files that are not pictures or videos: '.*meta.json', '.*notes.txt'"
grep_err "'$T/in/dangling': dangling symbolic link, skipped"
grep_err "'$T/in/self': too many levels of symbolic links, skipped"
grep_err "'$T/in/sub/up': symbolic link loop (back to '$T/in'), skipped"
[ "$(grep -c 'dangling' "$T/err")" -eq 1 ] || fail "a dangling link reported twice"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl -q "$T/in"
grep -q notice "$T/err" && fail "--quiet printed the skip notice"

# --include keeps only matching files, --exclude drops files and prunes directories.
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --include '*.jpg' "$T/in"
jq -e -s '[.[].file | sub(".*/in/"; "")] == ["fan-post.jpg", "sub/again.jpg"]' "$T/out" \
    >/dev/null || { cat "$T/out"; fail "--include"; }
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --exclude sub --exclude '*.mp4' "$T/in"
jq -e -s '[.[].file | sub(".*/in/"; "")] == ["fan-post.jpg", "picture.dat"]' "$T/out" \
    >/dev/null || { cat "$T/out"; fail "--exclude"; }
grep -q "sub/up" "$T/err" && fail "--exclude did not prune the directory"

# Files named explicitly are not sniffed: still errors when not media.
expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl "$T/in/notes.txt" "$grab"
jq -e -s '.[0].verdict == "error" and .[1].verdict == "match"' "$T/out" >/dev/null ||
    fail "an explicit non-media file"
# A loop named on the command line says what it is.
expect_rc 2 "$LIKENESS" scan --index "$IDX" "$T/in/self"
grep_err "cannot open '$T/in/self': too many levels of symbolic links"

# An empty directory, a directory without media, an empty list: errors.
expect_rc 2 "$LIKENESS" scan --index "$IDX" "$T/empty"
grep_err "'$T/empty': no pictures or videos found"
[ ! -s "$T/out" ] || fail "an empty directory printed reports"
mkdir "$T/docs" && cp "$T/in/notes.txt" "$T/docs/"
expect_rc 2 "$LIKENESS" scan --index "$IDX" "$T/docs"
grep_err "'$T/docs': no pictures or videos found (1 other file skipped)"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl "$T/empty" "$grab"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "the other operands are still scanned"
: | "$LIKENESS" scan --index "$IDX" - >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "an empty list on stdin: expected exit 2"
grep_err 'no paths on standard input'
expect_rc 2 "$LIKENESS" index add --index "$IDX" --owner O "$T/empty"
grep_err "'$T/empty': no pictures or videos found"
expect_rc 0 "$LIKENESS" index add --index "$T/walk.idx" --owner O --exclude '*.mp4' "$T/in"
grep_err '^notice: skipped 2 files'
# fan-post.jpg added; picture.dat and sub/again.jpg hold the same bytes
[ "$(grep -c '^added ' "$T/out")" -eq 1 ] || { cat "$T/out"; fail "index add of a directory"; }
[ "$(grep -c 'already indexed' "$T/err")" -eq 2 ] || fail "index add: the copies"

# A file cut short: how much was decoded, in text and JSON, and a warning.
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl "$M/trunc-h264.mp4" "$M/h264.mp4"
jq -e -s '.[0].truncated == true and .[0].duration == 4 and .[0].decoded > 1 and
          .[0].decoded < 2.5 and .[1].truncated == false and .[1].decoded == 4' "$T/out" \
    >/dev/null || { cat "$T/out"; fail "decoded seconds in JSON"; }
grep_err "warning: '$M/trunc-h264.mp4': decoded [12]\.[0-9] of 4\.0 s (cut short or damaged)"
expect_rc 0 "$LIKENESS" scan --index "$IDX" "$M/trunc-h264.mp4"
grep_out "trunc-h264.mp4: CLEAN  (decoded [12]\.[0-9] of 4\.0 s: cut short, "
expect_rc 0 "$LIKENESS" index add --index "$T/cut.idx" --owner O "$M/trunc-h264.mp4"
grep_err "decoded [12]\.[0-9] of 4\.0 s (cut short or damaged): only those were indexed"

# --resume: a byte-identical copy at another path is reported as a duplicate.
R="$T/r.jsonl"
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --resume "$R" "$grab"
cp "$grab" "$T/copy.jpg"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --resume "$R" "$grab" "$T/copy.jpg"
jq -e --arg g "$grab" '.file == "'"$T/copy.jpg"'" and .verdict == "match" and
       .duplicate_of == $g' "$T/out" >/dev/null || { cat "$T/out"; fail "duplicate not reported"; }
grep_err '1 suspect already reported'
expect_rc 1 "$LIKENESS" scan --index "$IDX" --resume "$R" "$T/copy.jpg" "$T/in/sub/again.jpg"
grep_out "again.jpg: MATCH"
grep_out "duplicate of $grab: the same content, reported before"
[ "$(wc -l <"$R")" -eq 3 ] || fail "duplicates are recorded in the resume file"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --resume "$R" "$T/copy.jpg" "$grab"
# stdout holds only the run's summary line: no report of either suspect
[ "$(cat "$T/out")" = "0 suspects scanned (2 already reported, skipped)" ] ||
    { cat "$T/out"; fail "a duplicate reported again at its own path"; }

# Bytes that no reader can decode: one wording in scan and index add.
for f in "$M/random.dat" tests/fuzz/corpus/decode/magic-only.jpg tests/fuzz/corpus/decode/trunc.mp4; do
    expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl "$f"
    s=$(jq -r .error "$T/out")
    expect_rc 2 "$LIKENESS" index add --index "$T/bad.idx" --owner O -j2 "$f" "$f"
    a=$(head -n 1 "$T/err" | sed 's/^error: //')
    [ "$s" = "$a" ] || fail "two wordings for $f: '$s' (scan) and '$a' (index add)"
    case "$s" in *"$f"*) ;; *) fail "the message does not name $f: $s" ;; esac
done
exit 0
