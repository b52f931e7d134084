#!/bin/sh
# Bad input to `likeness hash`: each gives one clear line naming the file,
# exit status 2, no crash, and the other files are still hashed.
. tests/cli/lib.sh
good=data/demo/suspects/fan-post.jpg

check_bad() { # FILE PATTERN: FILE fails with an error line matching PATTERN
    expect_rc 2 "$LIKENESS" hash --format pdq "$1" "$good"
    grep_err "^error: .*$1"
    grep_err "$2"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: stderr is not exactly one error line"
    grep -q ",$good\$" "$T/out" || fail "$1: the good file after it was not hashed"
}

check_bad "$T/missing.png" 'no such file'
mkdir "$T/dir.mp4"
check_bad "$T/dir.mp4" 'directory'
: >"$T/empty.jpg"
check_bad "$T/empty.jpg" 'empty'
head -c 4096 /dev/urandom >"$T/random.bin"
check_bad "$T/random.bin" 'format'
head -c 2000 data/demo/refs/tidal-lines-keyart.png >"$T/trunc.png"
check_bad "$T/trunc.png" 'truncated\|damaged'
head -c 1500 "$good" >"$T/trunc.jpg"
check_bad "$T/trunc.jpg" 'truncated\|damaged'
head -c 300000 data/demo/refs/starfall-ep01.mp4 >"$T/trunc.mp4"
check_bad "$T/trunc.mp4" 'header\|truncated\|damaged'
printf 'hello, world\n' >"$T/text.mp4"
check_bad "$T/text.mp4" 'format'

# Special files are refused at once, never read (a FIFO would block, and
# /dev/zero spin, forever): timeout turns a hang into a failure (124).
check_special() { # FILE PATTERN
    expect_rc 2 timeout 20 "$LIKENESS" hash --format pdq "$1" "$good"
    grep_err "^error: .*$1.*$2"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: stderr is not exactly one error line"
    grep -q ",$good\$" "$T/out" || fail "$1: the good file after it was not hashed"
}
mkfifo "$T/fifo.mp4"
check_special "$T/fifo.mp4" 'not a regular file'
check_special /dev/zero 'not a regular file'
ln -s "$T/loop-b.jpg" "$T/loop-a.jpg"
ln -s "$T/loop-a.jpg" "$T/loop-b.jpg"
check_special "$T/loop-a.jpg" 'too many levels of symbolic links'
ln -s "$PWD/$good" "$T/link.jpg"
expect_rc 0 "$LIKENESS" hash --format pdq "$T/link.jpg"

# A file nobody may read: as root, run the check as user nobody.
cp "$good" "$T/secret.jpg"
chmod 000 "$T/secret.jpg"
chmod 755 "$T"
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
        run setpriv --reuid=nobody --regid=nogroup --clear-groups "$LIKENESS" hash "$T/secret.jpg"
        [ "$rc" -eq 2 ] || fail "unreadable file exited $rc"
        grep_err "^error: .*secret.jpg"
        grep_err 'permission denied'
    fi
else
    expect_rc 2 "$LIKENESS" hash "$T/secret.jpg"
    grep_err 'permission denied'
fi

# Errors in JSON Lines are recorded on the failing file's own line.
expect_rc 2 "$LIKENESS" hash --jsonl "$T/missing.png" "$good"
jq -e -s '.[0].file == "'"$T/missing.png"'" and (.[0].error | length) > 0
          and .[1].file == "'"$good"'" and (.[1].pdq | length) == 64' "$T/out" >/dev/null ||
    fail "jsonl error line malformed"
exit 0
