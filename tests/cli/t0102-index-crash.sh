#!/bin/sh
# Crash safety of `likeness index add`: kill -9 at random moments leaves an
# index that opens, passes verify and holds every work whose add had
# finished ("added" line printed); readers running during an add always
# see a consistent index.
. tests/cli/lib.sh
ix="$T/c.idx"
# Distinct contents (a byte appended) so nothing is skipped as a duplicate.
mkdir "$T/media"
for i in 1 2 3 4 5 6 7 8; do
    { cat data/demo/refs/starfall-ep01.mp4; printf '%s' "$i"; } >"$T/media/v$i.mp4"
    { cat data/demo/suspects/unrelated-clip.mp4; printf '%s' "$i"; } >"$T/media/u$i.mp4"
done

works_listed() { "$LIKENESS" index list --index "$ix" --json | jq -r '.[].title' | sort; }

round=0
while [ $round -lt 5 ]; do
    round=$((round + 1))
    "$LIKENESS" index add --index "$ix" --owner "Crash Test" --jobs 2 "$T/media" \
        >"$T/add.out" 2>"$T/add.err" &
    pid=$!
    # A random delay of 0.05 to 0.8 s.
    delay=$(awk -v s="$$$round" 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 0.75 }')
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    [ -f "$ix" ] || continue   # killed before the index existed: nothing promised
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    works_listed >"$T/listed" || fail "round $round: list failed"
    sed -n 's|^added .*/\([^/]*\): .*|\1|p' "$T/add.out" | sort >"$T/added"
    missing=$(comm -23 "$T/added" "$T/listed")
    [ -z "$missing" ] || fail "round $round (kill after ${delay}s): finished adds lost: $missing"
done

# The last add completes; everything is there once.
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Crash Test" "$T/media"
[ "$(works_listed | wc -l)" -eq 16 ] || fail "not all 16 works present"

# Readers during a write: every list and verify succeeds and is consistent.
rm -f "$ix" "$ix-seg"
"$LIKENESS" index add --index "$ix" --owner "Busy" --title "Long" --jobs 1 "$T/media" \
    >/dev/null 2>&1 &
pid=$!
n=0
while kill -0 $pid 2>/dev/null && [ $n -lt 40 ]; do
    n=$((n + 1))
    if [ -f "$ix" ]; then
        run "$LIKENESS" index verify --index "$ix"
        [ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "verify during add failed"; }
        run "$LIKENESS" index list --index "$ix" --json
        [ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "list during add failed"; }
        # The work is all or nothing: never a partial file count.
        jq -e 'length == 0 or (length == 1 and .[0].files == 16)' "$T/out" >/dev/null ||
            fail "reader saw a partial work"
    fi
    sleep 0.05
done
wait $pid || fail "the add run alongside readers failed"
expect_rc 0 "$LIKENESS" index verify --index "$ix"
exit 0
