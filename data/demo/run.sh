#!/bin/sh
# `make demo`: runs likeness on the bundled demo media.
# Usage: sh data/demo/run.sh PATH/TO/likeness
set -eu
likeness=${1:?usage: run.sh LIKENESS_BINARY}
demo=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$demo/../.." && pwd)
cd "$top"
echo "\$ likeness hash data/demo/refs/tidal-lines-keyart.png data/demo/suspects/fan-post.jpg"
"$likeness" hash data/demo/refs/tidal-lines-keyart.png data/demo/suspects/fan-post.jpg
echo "\$ likeness hash --fps 1 data/demo/refs/starfall-ep01.mp4"
"$likeness" hash --fps 1 data/demo/refs/starfall-ep01.mp4
