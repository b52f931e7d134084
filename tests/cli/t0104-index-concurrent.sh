#!/bin/sh
# Concurrent and failing writes of `likeness index add`: an add waits for
# another process's write transaction and, when it finally gives up, says
# the index is in use (not "database is locked"); a full disk names the
# file being added as well as the index; with --title no "added" line is
# printed unless the work's commit succeeded.
. tests/cli/lib.sh
ref=data/demo/refs/starfall-ep01.mp4
pic=data/demo/refs/tidal-lines-keyart.png

# Holds a write transaction on $1 for $2 seconds (SQLite's own locks).
hold_lock() {
    python3 -c 'import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE"); print("held", flush=True); time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")' "$1" "$2" >"$T/lock.out" &
    lock_pid=$!
    i=0
    while ! grep -q held "$T/lock.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "could not take the lock"; sleep 0.1
    done
}

if command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null; then
    ix="$T/busy.idx"
    expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O "$pic"
    # gives up after the timeout with a clear message, nothing reported added
    hold_lock "$ix" 6
    LIKENESS_BUSY_TIMEOUT=1 run "$LIKENESS" index add --index "$ix" --owner O --title T "$ref"
    [ "$rc" -eq 2 ] || fail "busy add exited $rc"
    grep_err "in use by another process"
    grep -q "database is locked" "$T/err" && fail "sqlite's message leaked: $(cat "$T/err")"
    grep -q '^added' "$T/out" && fail "reported added without a commit: $(cat "$T/out")"
    wait $lock_pid
    # waits for a holder that finishes within the timeout
    hold_lock "$ix" 2
    LIKENESS_BUSY_TIMEOUT=30 expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O "$ref"
    grep_out "^added $ref"
    wait $lock_pid
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
else
    skip "lock holder" "python3 with its sqlite3 module is missing" needs
fi

# A full disk: a tmpfs of 160 KiB holds an empty index but not a work.
mnt="$T/mnt"
mkdir "$mnt"
if mount -t tmpfs -o size=160k tmpfs "$mnt" 2>/dev/null; then
    trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
    big="$T/big"
    mkdir "$big"
    for i in 1 2 3 4; do { cat "$ref"; printf '%s' "$i"; } >"$big/v$i.mp4"; done
    run "$LIKENESS" index add --index "$mnt/full.idx" --owner O --title Big "$big"
    [ "$rc" -eq 2 ] || fail "full-disk add exited $rc"
    grep_err "$mnt/full.idx"
    grep_err "no space\|disk is full\|full"
    grep_err "Big\|v1.mp4"
    grep -q '^added' "$T/out" && fail "reported added although nothing was stored: $(cat "$T/out")"
    run "$LIKENESS" index add --index "$mnt/full.idx" --owner O "$big/v1.mp4" "$big/v2.mp4"
    [ "$rc" -eq 2 ] || fail "full-disk add exited $rc"
    grep_err "v[12].mp4"
    grep_err "$mnt/full.idx"
    # whatever was reported added is there, and the index verifies
    expect_rc 0 "$LIKENESS" index verify --index "$mnt/full.idx"
    umount "$mnt"
else
    skip "full disk" "cannot mount a tmpfs (not root; t0105 fails writes with ENOSPC instead)"
fi
exit 0
