#!/bin/sh
# Decoding budgets through `likeness hash`: a 7 KB GIF whose 300 frames
# sit on a 16000x16000 canvas (2 GB a frame to decode) is refused at once
# with one line naming the file and the memory budget, in bounded memory
# (peak resident size measured with /usr/bin/time when it is installed),
# and the next file is still hashed.
. tests/cli/lib.sh
good=data/demo/suspects/fan-post.jpg

# gif OUT W H FRAMES: a GIF89a with a W x H canvas and FRAMES 1x1 frames.
le16() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8)))"; }
gif() {
    { printf 'GIF89a'; le16 "$2"; le16 "$3"; printf '\200\000\000\000\000\000\377\377\377'
      i=0
      while [ $i -lt "$4" ]; do
          printf '\041\371\004\000\012\000\000\000\054\000\000\000\000\001\000\001\000\000'
          printf '\002\002\104\001\000'
          i=$((i + 1))
      done
      printf '\073'; } >"$1"
}

gif "$T/bomb.gif" 16000 16000 300
[ "$(wc -c <"$T/bomb.gif")" -lt 8000 ] || fail "bomb.gif is not small"
if [ -x /usr/bin/time ]; then
    expect_rc 2 /usr/bin/time -f %M -o "$T/rss" timeout 20 "$LIKENESS" hash --format pdq "$T/bomb.gif" "$good"
    kb=$(tail -n 1 "$T/rss")
    echo "peak resident memory: $kb KB"
    [ "$kb" -lt 200000 ] || fail "bomb.gif took $kb KB"
else
    expect_rc 2 timeout 20 "$LIKENESS" hash --format pdq "$T/bomb.gif" "$good"
fi
grep_err "^error: '$T/bomb.gif': an animated picture's canvas needs 1954 MiB to decode, more than the 512 MiB memory budget\$"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "stderr is not exactly one error line"
grep -q ",$good\$" "$T/out" || fail "the good file after it was not hashed"

# A small canvas with the same frames decodes.
gif "$T/small.gif" 64 48 30
expect_rc 0 timeout 20 "$LIKENESS" hash --format pdq "$T/small.gif"
exit 0
