#!/bin/sh
# Damaged, read-only and full indexes: a flipped or cut catalog gives one
# clear error naming the damage (exit 2, no crash); a damaged or stale
# segment is rebuilt transparently; writes to a read-only index or a full
# disk fail cleanly and keep what was stored.
. tests/cli/lib.sh
ix="$T/d.idx"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Tidal Studio" data/demo/refs
expect_rc 0 "$LIKENESS" index list --index "$ix"
cp "$T/out" "$T/list.good"

# Segment: flipped data byte, then cut short: verify repairs, list unaffected.
cp "$ix-seg" "$T/seg.good"
printf '\377' | dd of="$ix-seg" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_rc 0 "$LIKENESS" index verify --index "$ix"
grep_out '^repaired: .*d.idx-seg: search segment damaged data'
cmp -s "$ix-seg" "$T/seg.good" || fail "segment not rebuilt identically"
truncate -s 70 "$ix-seg"
expect_rc 0 "$LIKENESS" index list --index "$ix"
cmp -s "$T/out" "$T/list.good" || fail "list changed after segment damage"
expect_rc 0 "$LIKENESS" index verify --index "$ix"
expect_rc 0 "$LIKENESS" index verify --index "$ix"
grep -q repaired "$T/out" && fail "segment still damaged after a repair"

# Catalog: a flipped byte inside a frame blob (found by its PDQ hash).
cp "$ix" "$T/good.idx"
pdq=$("$LIKENESS" index export --index "$ix" --format pdq --from-index | head -n 1 | cut -c1-16)
off=$(od -An -v -tx1 -w1 "$ix" | tr -d ' \n' | grep -bo "$(printf '%s' "$pdq" |
      sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/')" |
      head -n 1 | cut -d: -f1)
[ -n "$off" ] || fail "frame record not found in the catalog"
printf '\125' | dd of="$ix" bs=1 seek=$((off / 2 + 3)) conv=notrunc 2>/dev/null
expect_rc 2 "$LIKENESS" index verify --index "$ix"
grep_err "^error: .*d.idx: index damaged: frames of file .* fail their checksum"
expect_rc 2 "$LIKENESS" index export --index "$ix"
grep_err "checksum"

# Catalog: garbage over a b-tree page, a cut file, an empty file, not SQLite.
cp "$T/good.idx" "$ix"
head -c 4096 /dev/urandom | dd of="$ix" bs=4096 seek=1 conv=notrunc 2>/dev/null
run "$LIKENESS" index verify --index "$ix"
[ "$rc" -eq 2 ] || fail "damaged b-tree page: verify exited $rc"
grep_err "^error: .*d.idx.*damaged\|^error: .*d.idx.*malformed"
cp "$T/good.idx" "$ix"
truncate -s 8192 "$ix"
expect_rc 2 "$LIKENESS" index list --index "$ix"
grep_err "^error: .*d.idx: index damaged: truncated"
: >"$ix"
expect_rc 2 "$LIKENESS" index add --index "$ix" --owner X data/demo/suspects/fan-post.jpg
grep_err "^error: .*d.idx: empty file"
printf 'hello' >"$ix"
expect_rc 2 "$LIKENESS" index info --index "$ix"
grep_err "not a likeness index"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one error line"

# Read-only: a directory nobody else may write, used as user nobody.
mkdir "$T/ro"
cp "$T/good.idx" "$T/ro/r.idx"
chmod 755 "$T" "$T/ro"
chmod 644 "$T/ro/r.idx"
as_nobody=""
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
        as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    chmod 555 "$T/ro"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_nobody" ]; then
    run $as_nobody "$LIKENESS" index add --index "$T/ro/r.idx" --owner X \
        data/demo/suspects/fan-post.jpg
    [ "$rc" -eq 2 ] || fail "add to a read-only index exited $rc"
    grep_err "^error: .*r.idx.*\(read-only\|readonly\|permission denied\)"
    run $as_nobody "$LIKENESS" index list --index "$T/ro/r.idx"
    [ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "list of a read-only index exited $rc"; }
    cmp -s "$T/out" "$T/list.good" || fail "read-only list differs"
    run $as_nobody "$LIKENESS" index verify --index "$T/ro/r.idx"
    [ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "verify of a read-only index exited $rc"; }
    chmod 755 "$T/ro"
fi

# A full disk: a tiny tmpfs (needs mount rights: root or a user namespace).
cat >"$T/full.sh" <<EOS
set -u
mount -t tmpfs -o size=400k tmpfs "$T/mnt" || exit 77
cp "$T/good.idx" "$T/mnt/f.idx" && rm -f "$T/mnt/f.idx-seg"
"$LIKENESS" index add --index "$T/mnt/f.idx" --owner Big --title Big "$T/big" \
    >"$T/full.out" 2>"$T/full.err"
echo \$? >"$T/full.rc"
"$LIKENESS" index list --index "$T/mnt/f.idx" >"$T/full.list" 2>>"$T/full.err" || exit 3
"$LIKENESS" index verify --index "$T/mnt/f.idx" >>"$T/full.err" 2>&1 || exit 4
umount "$T/mnt"
EOS
mkdir "$T/mnt" "$T/big"
for i in 1 2 3 4 5 6; do
    { cat data/demo/refs/starfall-ep01.mp4; printf '%s' "$i"; } >"$T/big/v$i.mp4"
done
if [ "$(id -u)" -eq 0 ]; then unshare -m sh "$T/full.sh"; else unshare -rm sh "$T/full.sh"; fi
frc=$?
if [ $frc -ne 77 ] && [ $frc -ne 1 ] || [ -f "$T/full.rc" ]; then
    [ $frc -eq 0 ] || { cat "$T/full.err" >&2; fail "full disk: list/verify failed ($frc)"; }
    [ "$(cat "$T/full.rc")" -eq 2 ] || fail "add on a full disk exited $(cat "$T/full.rc")"
    grep -q '^error: .*f.idx.*\(no space\|full\)' "$T/full.err" || { cat "$T/full.err" >&2;
        fail "full disk: no clear error"; }
    cmp -s "$T/full.list" "$T/list.good" || fail "full disk: stored works changed"
else
    echo "note: cannot mount a tmpfs here; full disk covered by the unit test only" >&2
fi
exit 0
