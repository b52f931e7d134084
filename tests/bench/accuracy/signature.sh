#!/bin/sh
# signature.sh — the peer baseline of the accuracy benchmark: FFmpeg's
# `signature` filter (MPEG-7 video signature, detectmode=full) run pairwise,
# suspect against reference, its findings written in likeness scan's JSON
# Lines shape so the same scorer scores both.
#
# Usage: sh signature.sh CACHE OUT.jsonl
# Environment: LK_ACC_SIG_FALSE (false pairs sampled, default 300),
#              LK_ACC_SEED (default 1), LK_ACC_JOBS (default 2),
#              LK_ACC_SIG_TIMEOUT (seconds per pair, default 60).
#
# Invariants:
#  - The filter has no index: each pair decodes both clips.  Every true pair
#    is run, plus a seeded sample of false pairs (ordered by md5 of
#    "seed:suspect:work"); each output line lists the works it was compared
#    with in "evaluated", and the scorer restricts that suspect's pairs to them.
#  - Stills (reference pictures, frame grabs) are fed as 10 s of a looped
#    picture at 25 fps, the filter's only way to see them.
#  - A pair is a match (score 1) when the filter logs "matching of video 0 at
#    S and 1 at R, N frames matching"; the segment is S..S+N/25 on the suspect
#    and R..R+N/25 on the reference.  Otherwise score 0.
set -eu
CACHE=${1:?usage: signature.sh CACHE OUT.jsonl}
OUT=${2:?usage: signature.sh CACHE OUT.jsonl}
NFALSE=${LK_ACC_SIG_FALSE:-300}
SEED=${LK_ACC_SEED:-1}
JOBS=${LK_ACC_JOBS:-2}
TMO=${LK_ACC_SIG_TIMEOUT:-60}
CACHE=$(cd "$CACHE" && pwd)
TRUTH=$CACHE/truth.json
W=$CACHE/signature
rm -rf "$W"; mkdir -p "$W/pairs"
t0=$(date +%s)

jq -r '.references[] | "\(.id) \(.kind) \(.file)"' "$TRUTH" > "$W/refs"
jq -r '.suspects[] | "\(.file) \([.positives[].work_id] | unique | join(","))"' "$TRUTH" > "$W/sus"
: > "$W/true"; : > "$W/false"
while read -r sf pos; do
    while read -r id kind rf; do
        case ",$pos," in
            *",$id,"*) echo "$sf $id $rf" >> "$W/true" ;;
            *) echo "$(printf '%s:%s:%s' "$SEED" "$sf" "$id" | md5sum | cut -c1-12) $sf $id $rf" >> "$W/false" ;;
        esac
    done < "$W/refs"
done < "$W/sus"
nall=$(wc -l < "$W/false")
sort "$W/false" | head -n "$NFALSE" | cut -d' ' -f2- > "$W/false.sample"
cat "$W/true" "$W/false.sample" > "$W/pairs.list"
echo "signature: $(wc -l < "$W/true") true pairs + $(wc -l < "$W/false.sample") of $nall false pairs (seeded sample)"

# One pair: writes pairs/N.txt = "SUSPECT WORK [S R FRAMES]..." (one line).
cat > "$W/pair.sh" <<'EOF'
n=$1; sf=$2; id=$3; rf=$4; C=$5; W=$6; TMO=$7
inp() { case $1 in *.png|*.jpg|*.jpeg|*.webp) echo "-loop 1 -framerate 25 -t 10 -i $C/$1" ;; *) echo "-i $C/$1" ;; esac; }
log=$(timeout "$TMO" ffmpeg -nostdin -hide_banner -v info $(inp "$sf") $(inp "$rf") \
    -filter_complex "[0:v]fps=25[a];[1:v]fps=25[b];[a][b]signature=nb_inputs=2:detectmode=full" -f null - 2>&1)
hits=$(printf '%s\n' "$log" | sed -n 's/.*matching of video 0 at \([0-9.]*\) and 1 at \([0-9.]*\), \([0-9]*\) frames matching.*/\1 \2 \3/p' | tr '\n' ' ')
echo "$sf $id $hits" > "$W/pairs/$n.txt"
EOF
awk -v c="$CACHE" -v t="$TMO" '{print NR, $0, c, t}' "$W/pairs.list" > "$W/jobs"
xargs -P "$JOBS" -L 1 sh -c 'sh "$0/pair.sh" "$1" "$2" "$3" "$4" "$5" "$0" "$6"' "$W" < "$W/jobs"

# Aggregate per suspect into JSON Lines.
cat "$W"/pairs/*.txt | awk '
{
    sf = $1; id = $2
    if (!(sf in seen)) { seen[sf] = 1; order[++ns] = sf }
    ev[sf] = ev[sf] (ev[sf] == "" ? "" : ",") "\"" id "\""
    if (NF >= 5) {
        segs = ""
        for (i = 3; i + 2 <= NF; i += 3) {
            d = $(i + 2) / 25.0
            segs = segs (segs == "" ? "" : ",") sprintf("{\"suspect_start\":%.3f,\"suspect_end\":%.3f,\"ref_start\":%.3f,\"ref_end\":%.3f,\"frames\":%d,\"distance\":0}", $i, $i + d, $(i + 1), $(i + 1) + d, $(i + 2))
        }
        m[sf] = m[sf] (m[sf] == "" ? "" : ",") "{\"work_id\":\"" id "\",\"title\":\"" id "\",\"owner\":\"bench\",\"score\":1,\"segments\":[" segs "]}"
    }
}
END {
    for (k = 1; k <= ns; k++) {
        sf = order[k]
        printf "{\"schema\":1,\"file\":\"%s\",\"verdict\":\"%s\",\"matches\":[%s],\"style\":[],\"evaluated\":[%s]}\n", sf, (m[sf] == "" ? "clean" : "match"), m[sf], ev[sf]
    }
}' > "$OUT"
echo "signature: $(wc -l < "$W/pairs.list") pairs in $(( $(date +%s) - t0 )) s, $(grep -c '"match"' "$OUT" || true) suspects called match -> $OUT"
