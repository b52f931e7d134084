#!/bin/sh
# Messages a new user meets: usage errors print the error and a one-line
# hint (the nearest option or command, or where the usage is); `likeness
# help index add`; a missing index says how to make or name one; `index
# list` aligned by display width with long cells shortened; wording of
# `index add` and `index export`.
. tests/cli/lib.sh
D=data/demo
IDX="$T/i.idx"
grab=$D/suspects/fan-post.jpg

# Usage errors: two lines at most, the nearest option suggested.
expect_rc 2 "$LIKENESS" scan --min-scor 0 "$grab"
grep_err "^error: unknown option '--min-scor'"
grep_err "^hint: did you mean '--min-score'?"
[ "$(wc -l <"$T/err")" -eq 2 ] || { cat "$T/err"; fail "usage error: more than 2 lines"; }
expect_rc 2 "$LIKENESS" scan --min-socre=0 "$grab"
grep_err "unknown option '--min-socre'"
grep_err "did you mean '--min-score'"
expect_rc 2 "$LIKENESS" index add --ownr O "$grab"
grep_err "did you mean '--owner'"
expect_rc 2 "$LIKENESS" scan --zzzz "$grab"
grep_err "^hint: 'likeness scan --help' describes the options"
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "unknown option: more than 2 lines"
expect_rc 2 "$LIKENESS" scan
grep_err '^error: nothing to scan'
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "no operand: more than 2 lines"
expect_rc 2 "$LIKENESS" scna "$grab"
grep_err "^error: 'scna' is not a likeness command"
grep_err "^hint: did you mean 'scan'?"
expect_rc 2 "$LIKENESS" index lst
grep_err "did you mean 'likeness index list'?"
expect_rc 2 "$LIKENESS" scan --fail-on maybe "$grab"
grep_err "^hint: choose one of: match resembles never"
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "bad choice: more than 2 lines"

# help of a subcommand of a command
expect_rc 0 "$LIKENESS" help index add
grep_out '^usage: likeness index add'
grep_out -- '--owner=NAME'
expect_rc 0 "$LIKENESS" help index
grep_out '^usage: likeness index'

# No index: how to make one or name one.
(cd "$T" && "$LIKENESS" scan "$OLDPWD/$grab" >out 2>err); [ $? -eq 2 ] || fail "no index: exit"
grep_err "likeness.idx: no such index"
grep_err "^hint: create one with 'likeness index add"
grep_err "\-\-index PATH or LIKENESS_INDEX"
expect_rc 2 "$LIKENESS" index list --index "$T/none.idx"
grep_err "^hint: create one with"

# index add wording: 1 frame, 1 entry; no "(pending)"; an appended work's
# file count is the work's; an empty owner or title says which.
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" --title "Key art" \
    --work-id art "$grab"
grep_out "^added $grab: 1 frame as [0-9]* entries to work art$"
grep_out '^work art: "Key art" (Other Pictures), 1 file$'
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" --title "Key art" \
    --work-id art $D/refs/tidal-lines-keyart.png
grep_out '^work art: "Key art" (Other Pictures), 2 files (1 added)$'
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" --title "星の海 第一話" \
    $D/refs/starfall-ep01.mp4
grep -q pending "$T/out" && fail "'pending' in the output"
# printed once the work is committed, so with the id it was given from its content
grep_out "^added $D/refs/starfall-ep01.mp4: 40 frames as 160 entries to work [0-9a-f]*$"
grep_out '^work [0-9a-f]*: "星の海 第一話" (Example Studio), 1 file$'
expect_rc 2 "$LIKENESS" index add --index "$IDX" --owner "" "$grab"
grep_err '^error: the owner (--owner) must not be empty'
expect_rc 2 "$LIKENESS" index add --index "$IDX" --owner O --title "" "$grab"
grep_err '^error: the title (--title) must not be empty'

# index list: columns by display width, long cells shortened with an ellipsis.
long=$(printf '%0500d' 0 | tr 0 x)
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "スタジオ" --title "$long" \
    --work-id long $D/suspects/generated-clip-017.mp4
expect_rc 0 "$LIKENESS" index list --index "$IDX"
[ "$(wc -l <"$T/out")" -eq 4 ] || { cat "$T/out"; fail "index list: 4 lines"; }
grep -q "$long" "$T/out" && fail "a 500-character title printed whole"
grep_out 'x…  '
# the FILES column ends at the same display column on every line (CJK
# characters take two; GNU wc -L counts display columns)
ends=$(while IFS= read -r line; do
    head=$(printf '%s\n' "$line" | sed 's/ *[^ ]* *[^ ]* *[^ ]* *$//')
    printf '%s' "$head" | LC_ALL=C.UTF-8 wc -L
done <"$T/out" | sort -u | wc -l)
[ "$ends" -eq 1 ] || { cat "$T/out"; fail "index list columns not aligned by display width"; }

# index export: only the formats it writes are offered.
expect_rc 2 "$LIKENESS" index export --index "$IDX" --format foo
grep_err '^hint: choose one of: jsonl pdq vpdq likeness$'
expect_rc 2 "$LIKENESS" index export --index "$IDX" --format auto
expect_rc 0 "$LIKENESS" index export --index "$IDX" --format pdq --work art
exit 0
