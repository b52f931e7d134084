#!/bin/sh
# gen-corpus.sh — builds the accuracy corpus of likeness: reference works,
# suspects under every transform (at least LK_ACC_PER_TRANSFORM each, with
# parameters drawn from the seed), and negatives (easy and hard), with ground
# truth in $CACHE/truth.json.
#
# Usage: sh tests/bench/accuracy/gen-corpus.sh [CACHE]   (default build/accuracy)
# Environment: LK_ACC_SEED (default 1), LK_ACC_JOBS (default 2),
#   LK_ACC_PER_TRANSFORM (suspects per transform, default 15),
#   LK_ACC_PKGS (directory holding the downloaded and unpacked Debian
#   packages, default CACHE; several seeds can share one).
#
# Invariants:
#  - Only the ffmpeg CLI and redistributable media: artwork from the Debian
#    data packages of art-sets.sh (fetched with apt-get download, unpacked
#    with dpkg-deb -x; versions and copyright files recorded in
#    $CACHE/LICENSES.txt) and FFmpeg's lavfi sources.  Nothing here is
#    committed; everything but the packages lands in $CACHE.
#  - Deterministic for one seed: every random choice comes from the LCG below,
#    artworks are ordered by md5 of "seed:group", never by directory order.
#  - An artwork used by a hard negative ("held out") is never used by any
#    reference; groups tie near-duplicate files (art-sets.sh) so they fall on
#    the same side.  Held-out artwork also serves as moving background of
#    picture-in-picture suspects (it belongs to no reference).
#  - Times in truth.json are seconds on the suspect's and the reference's own
#    clocks (speed changes are accounted for); pictures have start = end = 0
#    on the suspect side, and a frame of a video is one instant on its side.
#  - $CACHE/.done is written last: a complete corpus is reused as is when it
#    was made with the same seed and size by the same generator version
#    (GEN_VERSION and the checksum of the generator's three files).  An
#    incomplete one is resumed: jobs that ran to success with the same script
#    are not run again (run_jobs).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-build/accuracy}
SEED=${LK_ACC_SEED:-1}
JOBS=${LK_ACC_JOBS:-2}
PER=${LK_ACC_PER_TRANSFORM:-15}
FPS=25
GEN_VERSION=2
. "$HERE/art-sets.sh"
. "$HERE/edits.sh"

STAMP="v$GEN_VERSION seed=$SEED per=$PER script=$(cat "$0" "$HERE/art-sets.sh" "$HERE/edits.sh" | cksum | cut -d' ' -f1)"
if [ -f "$CACHE/.done" ] && [ "$(cat "$CACHE/.done")" = "$STAMP" ]; then
    echo "gen-corpus: $CACHE is complete (seed $SEED), reused"; exit 0
fi
for tool in ffmpeg ffprobe file jq; do
    command -v $tool >/dev/null || { echo "gen-corpus: $tool is missing" >&2; exit 2; }
done
[ -f "$FONT" ] || { echo "gen-corpus: $FONT is missing (fonts-dejavu-core)" >&2; exit 2; }
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
PKGS_DIR=${LK_ACC_PKGS:-$CACHE}
mkdir -p "$PKGS_DIR/debs" "$PKGS_DIR/pkgs"
PKGS_DIR=$(cd "$PKGS_DIR" && pwd)
t_start=$(date +%s)
# Outputs of an interrupted or older run stay: jobs.done lists the jobs that
# ran to success (checksum of the job script, name), run_jobs skips them, and
# outputs that no current job makes are deleted at the end.
DONE=$CACHE/jobs.done
rm -rf "$CACHE/jobs" "$CACHE/.done"
mkdir -p "$CACHE/jobs" "$CACHE/refs" "$CACHE/suspects" "$CACHE/art"
touch "$DONE"

# ---- seeded random numbers (POSIX sh arithmetic, 31-bit LCG) -------------
STATE=$(( (SEED * 7919 + 104729) % 2147483648 ))
R=0
rnd() { STATE=$(( (STATE * 1103515245 + 12345) % 2147483648 )); R=$(( STATE / 65536 )); }
# rint LO HI: R := integer in [LO, HI]
rint() { rnd; R=$(( $1 + R % ($2 - $1 + 1) )); }
# dec N: prints N/100 with two decimals (N >= 0)
dec() { printf '%d.%02d' $(( $1 / 100 )) $(( $1 % 100 )); }

# ---- 1. fetch and unpack the Debian data packages -------------------------
: > "$CACHE/LICENSES.txt"
for aset in $ART_SETS; do
    p=$(set_pkg $aset)
    deb=$(ls "$PKGS_DIR/debs/${p}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        (cd "$PKGS_DIR/debs" && apt-get download "$p" >/dev/null 2>&1) ||
            { echo "gen-corpus: apt-get download $p failed" >&2; exit 2; }
        deb=$(ls "$PKGS_DIR/debs/${p}_"*.deb | head -n 1)
    fi
    if [ ! -d "$PKGS_DIR/pkgs/$p/usr" ]; then
        rm -rf "$PKGS_DIR/pkgs/$p.tmp"
        dpkg-deb -x "$deb" "$PKGS_DIR/pkgs/$p.tmp" && mv "$PKGS_DIR/pkgs/$p.tmp" "$PKGS_DIR/pkgs/$p"
    fi
    {
        echo "=== $p $(dpkg-deb -f "$deb" Version) (Debian 12, $(basename "$deb")), art set '$aset'"
        echo "--- /usr/share/doc/$p/copyright:"
        cat "$PKGS_DIR/pkgs/$p/usr/share/doc/$p/copyright"
        echo
    } >> "$CACHE/LICENSES.txt"
done

# ---- 2. candidate artworks per art set, in seeded order -------------------
for aset in $ART_SETS; do
    set_candidates $aset "$PKGS_DIR/pkgs/$(set_pkg $aset)" > "$CACHE/cand.$aset"
    # order groups by md5("seed:group"), one file per group (also by md5)
    while read -r w h g f; do
        printf '%s %s %s %s %s\n' "$(printf '%s:%s' "$SEED" "$g" | md5sum | cut -c1-12)" \
            "$(printf '%s:%s' "$SEED" "$f" | md5sum | cut -c1-12)" "$w" "$h" "$f"
    done < "$CACHE/cand.$aset" | sort | awk '!seen[$1]++ {print $3, $4, $5}' > "$CACHE/order.$aset"
done

# ---- 3. artwork canvases (alpha flattened over a dark backdrop) -------------
# art/SET-N.png: 1600x900 canvas for pans and zooms (the picture covers it
# when it is wide, else it is centred whole); art/SET-N-still.png: the whole
# picture at its own aspect, at most 1024 on its long side.
: > "$CACHE/art/SOURCES.txt"
: > "$CACHE/art.dims"
prep_art() { # set n w h src
    o=$CACHE/art/$1-$2
    sw=$3; sh=$4
    if [ "$sw" -ge "$sh" ]; then nw=1024; nh=$(( sh * 1024 / sw / 2 * 2 )); else nh=1024; nw=$(( sw * 1024 / sh / 2 * 2 )); fi
    fitc="scale=1600:900:force_original_aspect_ratio=increase,crop=1600:900"
    [ $(( sw * 100 / sh )) -lt 130 ] && fitc="scale=1600:900:force_original_aspect_ratio=decrease"
    echo "$1-$2 $nw $nh" >> "$CACHE/art.dims"
    cat > "$CACHE/jobs/art-$1-$2.sh" <<EOF
ffmpeg -nostdin -v error -y -i '$5' -filter_complex "color=c=0x1c2430:s=1600x900,format=rgb24[bg];[0:v]$fitc,format=rgba[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2:format=auto,format=rgb24" -frames:v 1 '$o.png' &&
ffmpeg -nostdin -v error -y -i '$5' -filter_complex "color=c=0x1c2430:s=${nw}x${nh},format=rgb24[bg];[0:v]scale=${nw}:${nh},format=rgba[fg];[bg][fg]overlay=format=auto,format=rgb24" -frames:v 1 '$o-still.png'
EOF
}
# pick_artworks N: the first N lines of "W H PATH" on stdin that are not
# flat (flatness is cached per file in $PKGS_DIR/flatness.txt)
FLAT=$PKGS_DIR/flatness.txt
touch "$FLAT"
pick_artworks() {
    got=0
    while [ $got -lt "$1" ] && read -r w h f; do
        fr=$(awk -v p="$f" '$2 == p { print $1; exit }' "$FLAT")
        [ -n "$fr" ] || { fr=$(flat_frac "$f"); echo "$fr $f" >> "$FLAT"; }
        if awk "BEGIN { exit !($fr <= 0.6) }"; then echo "$w $h $f"; got=$((got + 1)); fi
    done
}
for aset in $ART_SETS; do
    set -- $(set_plan $aset)
    need=$(( $1 + $2 * $3 + $4 ))
    have=$(wc -l < "$CACHE/order.$aset")
    [ "$have" -ge "$need" ] || { echo "gen-corpus: set $aset has $have artworks, needs $need" >&2; exit 2; }
    n=0
    pick_artworks "$need" < "$CACHE/order.$aset" > "$CACHE/use.$aset"
    [ "$(wc -l < "$CACHE/use.$aset")" -eq "$need" ] ||
        { echo "gen-corpus: set $aset has fewer than $need artworks that are not flat" >&2; exit 2; }
    while read -r w h f; do
        n=$((n + 1)); prep_art $aset $n "$w" "$h" "$f"; echo "$aset-$n $f" >> "$CACHE/art/SOURCES.txt"
    done < "$CACHE/use.$aset"
done
# run_jobs STAGE: runs jobs/STAGE*.sh, $JOBS at a time, and fails on any
# failure.  A job listed in jobs.done with the same script is skipped, unless
# an earlier stage ran a job this time (then its inputs may have changed).
RAN=0
run_jobs() {
    if [ $RAN -eq 1 ]; then grep -v " $1" "$DONE" > "$DONE.tmp" || true; mv "$DONE.tmp" "$DONE"; fi
    : > "$CACHE/jobs/todo"
    for j in "$CACHE"/jobs/$1*.sh; do
        grep -qx "$(cksum < "$j" | cut -d' ' -f1) $(basename "$j" .sh)" "$DONE" || echo "$j" >> "$CACHE/jobs/todo"
    done
    echo "gen-corpus: $1 jobs: $(wc -l < "$CACHE/jobs/todo") to run, $(( $(ls "$CACHE"/jobs/$1*.sh | wc -l) - $(wc -l < "$CACHE/jobs/todo") )) done before"
    [ -s "$CACHE/jobs/todo" ] || return 0
    RAN=1
    xargs -P "$JOBS" -I{} sh -c 'sh "$1" || { echo "gen-corpus: job $1 failed" >&2; exit 255; }
        echo "$(cksum < "$1" | cut -d" " -f1) $(basename "$1" .sh)" >> "$2"' _ {} "$DONE" < "$CACHE/jobs/todo"
}
run_jobs art-
# held-out canvases: "SET N" (hard negatives, picture-in-picture backgrounds)
: > "$CACHE/held.list"
for aset in $ART_SETS; do
    held=$(set_plan $aset | cut -d' ' -f1); j=0
    while [ $j -lt "$held" ]; do j=$((j + 1)); echo "$aset $j" >> "$CACHE/held.list"; done
done
NHELD=$(wc -l < "$CACHE/held.list")

# ---- 4. reference works ----------------------------------------------------
TRUTH_REFS=$CACHE/truth.refs
: > "$TRUTH_REFS"
REFLIST=$CACHE/refs.list   # "id kind set file duration width height"
: > "$REFLIST"
# kenburns INPUT_IDX FRAMES WxH -> zoompan filter over one canvas input
kenburns() {
    rint 0 3; m=$R; rint 20 60; zr=$R; rint 15 85; cx=$R; rint 15 85; cy=$R
    rint 0 100; a=$R; rint 0 100; b=$R
    zf=$(dec $((100 + zr)))
    case $m in
        0) z="1+0.${zr}*on/$2"; x="(iw-iw/zoom)*0.$cx"; y="(ih-ih/zoom)*0.$cy" ;;
        1) z="1+0.${zr}*(1-on/$2)"; x="(iw-iw/zoom)*0.$cx"; y="(ih-ih/zoom)*0.$cy" ;;
        2) z="$zf"; x="(iw-iw/zoom)*($a+($b-$a)*on/$2)/100"; y="(ih-ih/zoom)*0.$cy" ;;
        *) z="$zf"; x="(iw-iw/zoom)*0.$cx"; y="(ih-ih/zoom)*($a+($b-$a)*on/$2)/100" ;;
    esac
    KB="[$1:v]zoompan=z='$z':x='$x':y='$y':d=$2:s=$3:fps=$FPS,format=yuv420p,setsar=1"
}
# lavfi_shot FRAMES WxH KIND -> a lavfi source (mandelbrot or cellauto)
lavfi_shot() {
    rint 0 999; sd=$R
    if [ "$3" = mandelbrot ]; then
        rint 0 5; case $R in
            0) cx=-0.743643; cy=0.131825 ;; 1) cx=-0.7453; cy=0.1127 ;; 2) cx=-1.25066; cy=0.02012 ;;
            3) cx=-0.160; cy=1.0405 ;; 4) cx=0.3602; cy=-0.6413 ;; *) cx=-1.7497; cy=0.0 ;; esac
        rint 1 30; sc=$R
        # Move the centre by 5-15% of the view (seeded) so that no two shots
        # of the same corner show the same pictures: distinct works must not
        # share footage, or the ground truth calls real copies false alarms.
        rint 5 15; dx=$R; rint 0 1; [ "$R" -eq 1 ] && dx=-$dx
        rint 5 15; dy=$R; rint 0 1; [ "$R" -eq 1 ] && dy=-$dy
        cx=$(awk "BEGIN { printf \"%.6f\", $cx + $dx * 0.$(printf %02d $sc) / 100 }")
        cy=$(awk "BEGIN { printf \"%.6f\", $cy + $dy * 0.$(printf %02d $sc) / 100 }")
        rint 0 2
        LS="mandelbrot=s=$2:r=$FPS:maxiter=256:start_x=$cx:start_y=$cy:start_scale=0.$(printf %02d $sc):end_scale=0.00$((R + 1)):end_pts=400:outer=normalized_iteration_count"
    else
        rint 0 5; case $R in 0) rule=30 ;; 1) rule=90 ;; 2) rule=110 ;; 3) rule=150 ;; 4) rule=105 ;; *) rule=73 ;; esac
        rint 1 4; h=${2#*x}
        LS="cellauto=s=$2:rate=$FPS:rule=$rule:random_fill_ratio=0.$R:random_seed=$sd:scroll=1,scale=${2%x*}:$h:flags=neighbor,lutrgb=r='val*0.$(printf %02d $((40 + sd % 60)))':b='val*0.9'"
    fi
    LS="$LS,trim=end_frame=$1,setpts=PTS-STARTPTS,format=yuv420p,setsar=1"
}
wid=0
add_ref() { # kind set file duration width height
    wid=$((wid + 1)); id=$(printf 'w%02d' $wid)
    [ "$1" = still ] && id=$(printf 's%02d' $wid)
    echo "$id $1 $2 $3 $4 $5 $6" >> "$REFLIST"
    printf '{"id":"%s","file":"%s","set":"%s","kind":"%s","duration":%s}\n' "$id" "$3" "$2" "$1" "$4" >> "$TRUTH_REFS"
    REF_ID=$id
}
video_ref() { # set first_art_index nart
    rint 3 5; nshot=$R
    rint 0 5; size=640x360; [ "$R" -eq 0 ] && size=1280x720
    ins=""; fg=""; cat=""; frames=0
    i=0
    while [ $i -lt $nshot ]; do
        rint 100 150; f=$R
        [ $frames -lt 375 ] && [ $i -eq $((nshot - 1)) ] && f=$(( 375 - frames + 25 ))
        if [ "$1" = lavfi ]; then
            lk=mandelbrot; rint 0 1; [ "$R" -eq 1 ] && lk=cellauto
            lavfi_shot $f $size $lk; fg="$fg$LS[v$i];"
        else
            art=$CACHE/art/$1-$(( $2 + i % $3 )).png
            ins="$ins -i '$art'"; kenburns $i $f $size; fg="$fg$KB[v$i];"
        fi
        cat="$cat[v$i]"; frames=$((frames + f)); i=$((i + 1))
    done
    file=refs/$(printf 'w%02d' $((wid + 1))).mp4
    add_ref video "$1" "$file" "$(dec $(( frames * 100 / FPS )))" ${size%x*} ${size#*x}
    cat > "$CACHE/jobs/ref-$REF_ID.sh" <<EOF
ffmpeg -nostdin -v error -y $ins -filter_complex "$fg${cat}concat=n=$nshot:v=1:a=0[out]" -map '[out]' -c:v libx264 -preset veryfast -crf 18 -g 50 -pix_fmt yuv420p -an '$CACHE/$file'
EOF
}
still_ref() { # set art_index
    wid1=$(( wid + 1 )); ext=png; [ $(( wid1 % 2 )) -eq 0 ] && ext=jpg
    file=refs/$(printf 's%02d' $wid1).$ext
    if [ "$1" = lavfi ]; then
        add_ref still "$1" "$file" 0 960 540
        lavfi_shot 1 960x540 mandelbrot
        echo "ffmpeg -nostdin -v error -y -filter_complex \"$LS\" -frames:v 1 -q:v 2 '$CACHE/$file'" > "$CACHE/jobs/ref-$REF_ID.sh"
    else
        add_ref still "$1" "$file" 0 $(grep "^$1-$2 " "$CACHE/art.dims" | cut -d' ' -f2-3)
        echo "ffmpeg -nostdin -v error -y -i '$CACHE/art/$1-$2-still.png' -frames:v 1 -q:v 2 '$CACHE/$file'" > "$CACHE/jobs/ref-$REF_ID.sh"
    fi
}
for aset in $ART_SETS; do
    set -- $(set_plan $aset)
    held=$1; nv=$2; per=$3; ns=$4
    k=$(( held + 1 ))
    v=0; while [ $v -lt "$nv" ]; do video_ref $aset $k "$per"; k=$((k + per)); v=$((v + 1)); done
    v=0; while [ $v -lt "$ns" ]; do still_ref $aset $k; k=$((k + 1)); v=$((v + 1)); done
done
v=0; while [ $v -lt 4 ]; do video_ref lavfi 0 0; v=$((v + 1)); done
still_ref lavfi 0
still_ref lavfi 0
run_jobs ref-

# ---- 5. suspects and negatives ----------------------------------------------
# A video suspect is a timeline of segments (unrelated padding, excerpts of
# references) at 640x360, then one transform applied to the whole clip.
TRUTH_SUS=$CACHE/truth.suspects
: > "$TRUTH_SUS"
pad_src() { # FRAMES -> PAD: unrelated lavfi material (moving)
    rint 0 2; k=$R; rint 1 9999; sd=$R
    case $k in
        0) PAD="gradients=s=320x180:r=$FPS:seed=$sd:speed=0.0$(( sd % 9 + 1 )):nb_colors=$(( sd % 5 + 2 )),scale=$TW:$TH" ;;
        1) PAD="testsrc2=s=${TW}x${TH}:r=$FPS" ;;
        *) PAD="life=s=$(( TW / 4 ))x$(( TH / 4 )):r=$FPS:seed=$sd:mold=10:ratio=0.$(( sd % 5 + 1 )):life_color=#$(printf %06x $(( sd * 2654435 % 16777216 ))):death_color=#101828,scale=$TW:$TH:flags=neighbor" ;;
    esac
    PAD="$PAD,trim=end_frame=$1,setpts=PTS-STARTPTS,format=yuv420p,setsar=1"
}
# Segment builders append to FG/CAT/INS; T (frames so far) is the timeline clock.
seg_pad() { pad_src "$1"; FG="$FG$PAD[s$NS];"; CAT="$CAT[s$NS]"; NS=$((NS + 1)); T=$((T + $1)); }
# pip_mode NAME -> MODE "pip:FW:FH:X:Y" (inset size and place), TPARAMS
pip_mode() {
    case $1 in
        pip) fw=288; rint 8 24; mg=$R; rint 0 3
             case $R in 0) x=$mg; y=$mg ;; 1) x=$((TW - fw - mg)); y=$mg ;;
                        2) x=$mg; y=$((TH - 162 - mg)) ;; *) x=$((TW - fw - mg)); y=$((TH - 162 - mg)) ;; esac ;;
        pip_small|pip_large) if [ $1 = pip_small ]; then rint 25 30; else rint 31 50; fi
             fw=$(even $((TW * R / 100))) ;;
    esac
    fh=$(even $((fw * 9 / 16)))
    [ $1 = pip ] || { rint 0 $((TW - fw)); x=$R; rint 0 $((TH - fh)); y=$R; }
    MODE="pip:$fw:$fh:$x:$y"; TPARAMS="$TPARAMS inset ${fw}x$fh at x$x y$y"
}
# pip_bg FRAMES -> BG: moving background footage (lavfi, or a pan over a
# held-out artwork, which no reference shows)
pip_bg() {
    rint 0 1
    if [ $R -eq 0 ]; then pad_src "$1"; BG=$PAD; return; fi
    rint 1 "$NHELD"; set -- "$1" $(sed -n "${R}p" "$CACHE/held.list")
    INS="$INS -i '$CACHE/art/$2-$3.png'"; kenburns $NI "$1" ${TW}x$TH; NI=$((NI + 1)); BG=$KB
}
seg_excerpt() { # ref_id ref_file a_frames frames [MODE]
    INS="$INS -i '$CACHE/$2'"; ni=$NI; NI=$((NI + 1))
    ch="[$ni:v]trim=start_frame=$3:end_frame=$(( $3 + $4 )),setpts=PTS-STARTPTS,scale=$TW:$TH,fps=$FPS,format=yuv420p,setsar=1"
    case ${5:-} in
        pip:*) IFS=: read -r _ ifw ifh ix iy <<EOF
$5
EOF
            pip_bg "$4"   # (pans set x and y: the inset's place is ix, iy)
            FG="$FG$ch,scale=$ifw:$ifh[f$NS];$BG[b$NS];[b$NS][f$NS]overlay=$ix:$iy:shortest=1,format=yuv420p[s$NS];" ;;
        *) FG="$FG$ch[s$NS];" ;;
    esac
    POS="$POS $1:$T:$(( T + $4 )):$3:$(( $3 + $4 ))"
    CAT="$CAT[s$NS]"; NS=$((NS + 1)); T=$((T + $4))
}
seg_still() { # ref_id ref_file frames
    INS="$INS -i '$CACHE/$2'"
    rint 3 9
    FG="$FG[$NI:v]scale=$TW:$TH:force_original_aspect_ratio=decrease,pad=$TW:$TH:(ow-iw)/2:(oh-ih)/2,zoompan=z='1+0.0$R*on/$3':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=$3:s=${TW}x$TH:fps=$FPS,format=yuv420p,setsar=1[s$NS];"
    POS="$POS $1:$T:$(( T + $3 )):0:0"
    CAT="$CAT[s$NS]"; NS=$((NS + 1)); NI=$((NI + 1)); T=$((T + $3))
}
seg_art() { # canvas frames (hard negatives)
    INS="$INS -i '$1'"; kenburns $NI "$2" ${TW}x$TH
    FG="$FG$KB[s$NS];"; CAT="$CAT[s$NS]"; NS=$((NS + 1)); NI=$((NI + 1)); T=$((T + $2))
}
write_suspect() { # name transform set hard_negative(0/1)
    transform_chain "$2" "$T"
    file=suspects/$1.mp4
    cat > "$CACHE/jobs/sus-$1.sh" <<EOF
ffmpeg -nostdin -v error -y $INS -filter_complex "$FG${CAT}concat=n=$NS:v=1:a=0,$TX[out]" -map '[out]' -c:v libx264 -preset veryfast -crf $CRF -g 50 -pix_fmt yuv420p -an '$CACHE/$file'
EOF
    emit_truth "$file" "$2" "$3" "$4"
}
emit_truth() { # file transform set hard
    pj=""
    for p in $POS; do
        IFS=: read -r id s0 s1 r0 r1 <<EOF
$p
EOF
        [ -n "$pj" ] && pj="$pj,"
        pj="$pj{\"work_id\":\"$id\",\"suspect_start\":$(dec $(( s0 * 10000 / FPS / SPEED ))),\"suspect_end\":$(dec $(( s1 * 10000 / FPS / SPEED ))),\"ref_start\":$(dec $(( r0 * 100 / FPS ))),\"ref_end\":$(dec $(( r1 * 100 / FPS )))}"
    done
    hn=false; [ "$4" = 1 ] && hn=true
    pa=$(echo "$TPARAMS $PARAMS" | sed 's/^ *//; s/ *$//; s/["\\]//g')
    printf '{"file":"%s","transform":"%s","set":"%s","hard_negative":%s,"params":"%s","positives":[%s]}\n' \
        "$1" "$2" "$3" "$hn" "$pa" "$pj" >> "$TRUTH_SUS"
}
start_timeline() { FG=""; CAT=""; INS=""; NS=0; NI=0; T=0; POS=""; TPARAMS=""; PARAMS=""; SPEED=100; }
grep ' video ' "$REFLIST" > "$CACHE/refs.video"
grep ' still ' "$REFLIST" > "$CACHE/refs.still"
NV=$(wc -l < "$CACHE/refs.video"); NSTILL=$(wc -l < "$CACHE/refs.still")
pick_video() { # -> RID RFILE RDUR(frames) RSET RW RH, a seeded video reference
    rint 1 "$NV"; set -- $(sed -n "${R}p" "$CACHE/refs.video")
    RID=$1; RSET=$3; RFILE=$4; RDUR=$(echo "$5" | awk '{printf "%d", $1 * 25}'); RW=$6; RH=$7
}
pick_still() { # -> RID RFILE RSET RW RH, a seeded still reference
    rint 1 "$NSTILL"; set -- $(sed -n "${R}p" "$CACHE/refs.still")
    RID=$1; RSET=$3; RFILE=$4; RW=$6; RH=$7
}
excerpt_of() { # RDUR [MIN MAX] -> EA EF (start frame, frames), 3-8 s inside the reference
    rint "${2:-75}" "${3:-200}"; EF=$R; [ $EF -gt $(( RDUR - 10 )) ] && EF=$(( RDUR - 10 ))
    rint 0 $(( RDUR - EF - 1 )); EA=$R
}
# Picture suspects: a still reference, or one frame of a video reference
# (frame grabs; a quarter of the screenshots), through a picture builder.
pic_source() { # KIND -> PIN (input args), PSEL (filter from [0:v]), POS, PW PH, set1
    if [ "$1" = video ]; then
        pick_video; rint 5 $(( RDUR - 5 )); g=$R
        PIN="-i '$CACHE/$RFILE'"; PSEL="select=eq(n\\,$g),setpts=PTS-STARTPTS,"; POS="$RID:0:0:$g:$g"; TPARAMS="frame $g of $RID"
    else
        pick_still; PIN="-i '$CACHE/$RFILE'"; PSEL=""; POS="$RID:0:0:0:0"; TPARAMS="$RID"
    fi
    PW=$RW; PH=$RH; set1=$RSET
}
write_picture() { # name transform set hard  (PIN PSEL PIC EXT PW PH set)
    pic_ext_q=""; [ "$EXT" = jpg ] && { rint 2 6; pic_ext_q="-q:v $R"; }
    file=suspects/$1.$EXT
    PIC="[0:v]${PSEL}null[pic];$PIC"
    cat > "$CACHE/jobs/sus-$1.sh" <<EOF
ffmpeg -nostdin -v error -y $PIN -filter_complex "$PIC" -map '[out]' -frames:v 1 $pic_ext_q '$CACHE/$file'
EOF
    SPEED=100; emit_truth "$file" "$2" "$3" "$4"
}
picture_suspect() { # name transform
    start_timeline
    case $2 in
        framegrab) pic_source video; rint 0 2
                   case $R in 0) EXT=jpg; PIC="[pic]null[out]" ;; 1) EXT=png; PIC="[pic]null[out]" ;;
                              *) EXT=jpg; PIC="[pic]scale=480:-2[out]"; PARAMS="480 wide" ;; esac ;;
        still_crop) pic_source still; pic_ext; pic_crop ;;
        screenshot_app|screenshot_phone)
            rint 0 3; k=still; [ $R -eq 0 ] && k=video
            pic_source $k; pic_ext
            if [ $2 = screenshot_app ]; then pic_app "$PW" "$PH"; else pic_phone "$PW" "$PH"; fi ;;
    esac
    write_picture "$1" "$2" "$set1" 0
}
video_suspect() { # name transform
    start_timeline
    tr=$2; mode=""
    case $tr in
        short_excerpt) rint 100 200; seg_pad $R
                       pick_video; set1=$RSET; excerpt_of "$RDUR" 75 100; seg_excerpt "$RID" "$RFILE" $EA $EF
                       rint 100 200; seg_pad $R
                       write_suspect "$1" $tr $set1 0; return ;;
        still_in_video) rint 40 90; seg_pad $R
                        pick_still; set1=$RSET; rint 75 150; seg_still "$RID" "$RFILE" $R
                        rint 40 90; seg_pad $R
                        write_suspect "$1" $tr $set1 0; return ;;
    esac
    rint 40 90; seg_pad $R
    case $tr in pip*) pip_mode $tr; mode=$MODE ;; esac
    pick_video; set1=$RSET; excerpt_of "$RDUR"
    seg_excerpt "$RID" "$RFILE" $EA $EF $mode
    rint 0 3
    if [ $R -eq 0 ] && [ $T -lt 250 ]; then
        rint 40 80; seg_pad $R
        case $tr in pip*) pip_mode $tr; mode=$MODE ;; esac
        pick_video; excerpt_of "$RDUR" 75 125
        seg_excerpt "$RID" "$RFILE" $EA $EF $mode
    fi
    rint 40 90; seg_pad $R
    write_suspect "$1" $tr $set1 0
}
TRANSFORMS="reencode downscale240 crop20 hflip colorgrade letterbox vertical916 overlay pip blurnoise speed still_in_video framegrab
 crop_offset vertical916_any pip_small pip_large occlusion captions screenshot_app screenshot_phone still_crop combo stylised short_excerpt panzoom"
for tr in $TRANSFORMS; do
    i=0
    while [ $i -lt "$PER" ]; do
        i=$((i + 1))
        case $tr in
            framegrab|still_crop|screenshot_app|screenshot_phone) picture_suspect $tr-$i $tr ;;
            *) video_suspect $tr-$i $tr ;;
        esac
    done
done

# Negatives.  Easy: unrelated lavfi material (12 clips, 4 screenshots of
# lavfi pictures).  Hard: every held-out artwork in a clip of its own art
# set, one held-out still per set (as is, cropped or in a screenshot), and
# lavfi fractals and automata the references never show.
NEG_TX="none reencode downscale240 crop20 hflip colorgrade letterbox overlay blurnoise speed crop_offset vertical916_any occlusion captions combo stylised panzoom"
neg_tx() { set -- $NEG_TX; rint 1 $#; eval "NTX=\${$R}"; }
i=0
while [ $i -lt 12 ]; do
    i=$((i + 1)); start_timeline
    rint 2 3; n=$R; j=0; while [ $j -lt $n ]; do rint 75 175; seg_pad $R; j=$((j + 1)); done
    neg_tx; write_suspect neg-easy-$i $NTX none 0
done
i=0
while [ $i -lt 4 ]; do
    i=$((i + 1)); start_timeline; pad_src 1
    PIN="-f lavfi -i '$PAD'"; PSEL=""; pic_ext
    if [ $i -le 2 ]; then pic_app 640 360; t=screenshot_app; else pic_phone 640 360; t=screenshot_phone; fi
    write_picture neg-easy-shot-$i $t none 0
done
for aset in $ART_SETS; do
    held=$(set_plan $aset | cut -d' ' -f1)
    j=0
    while [ $j -lt "$held" ]; do
        j=$((j + 1)); start_timeline
        rint 0 1; if [ $R -eq 1 ]; then rint 25 75; seg_pad $R; fi
        rint 75 150; seg_art "$CACHE/art/$aset-$j.png" $R
        a2=$(( j % held + 1 )); rint 75 150; seg_art "$CACHE/art/$aset-$a2.png" $R
        rint 0 1; if [ $R -eq 1 ]; then rint 25 75; seg_pad $R; fi
        neg_tx; write_suspect neg-hard-$aset-$j $NTX $aset 1
    done
    start_timeline
    set -- $(grep "^$aset-1 " "$CACHE/art.dims")
    PIN="-i '$CACHE/art/$aset-1-still.png'"; PSEL=""; pic_ext
    rint 0 3
    case $R in
        0) t=none; PIC="[pic]scale=800:-2[out]" ;;
        1) t=still_crop; pic_crop ;;
        2) t=screenshot_app; pic_app $2 $3 ;;
        *) t=screenshot_phone; pic_phone $2 $3 ;;
    esac
    write_picture neg-hard-$aset-still $t $aset 1
done
j=0
while [ $j -lt 3 ]; do
    j=$((j + 1)); start_timeline
    # other corners of the Mandelbrot set and other automaton rules
    rint 0 1
    if [ $R -eq 0 ]; then
        rint 10 40; x=$R; rint 10 60
        src="mandelbrot=s=${TW}x$TH:r=$FPS:maxiter=256:start_x=0.$x:start_y=0.$R:start_scale=0.5:end_scale=0.01:end_pts=400"
    else
        rint 0 2; case $R in 0) rule=54 ;; 1) rule=62 ;; *) rule=122 ;; esac
        src="cellauto=s=${TW}x$TH:rate=$FPS:rule=$rule:random_fill_ratio=0.3:random_seed=$j:scroll=1"
    fi
    rint 200 300
    FG="$src,trim=end_frame=$R,setpts=PTS-STARTPTS,format=yuv420p,setsar=1[s0];"; CAT="[s0]"; NS=1; T=$R
    neg_tx; write_suspect neg-hard-lavfi-$j $NTX lavfi 1
done
t_jobs=$(date +%s)
run_jobs sus-

# ---- 6. ground truth -------------------------------------------------------
{
    printf '{"schema":1,"seed":%s,"fps":%s,"generator":%s,\n"references":[\n' "$SEED" "$FPS" "$GEN_VERSION"
    sed '$!s/$/,/' "$TRUTH_REFS"
    printf '],\n"suspects":[\n'
    sed '$!s/$/,/' "$TRUTH_SUS"
    printf ']}\n'
} > "$CACHE/truth.json"
rm -f "$TRUTH_REFS" "$TRUTH_SUS"
# outputs of older runs that no job made this time
jq -r '.references[].file, .suspects[].file' "$CACHE/truth.json" | sort > "$CACHE/jobs/keep"
(cd "$CACHE" && find refs suspects -type f | sort | comm -23 - jobs/keep | xargs -r rm -f)
nref=$(ls "$CACHE/refs" | wc -l); nsus=$(ls "$CACHE/suspects" | wc -l)
echo "gen-corpus: $nref references, $nsus suspects in $CACHE ($(( $(date +%s) - t_start )) s, suspects $(( $(date +%s) - t_jobs )) s, seed $SEED)"
echo "$STAMP" > "$CACHE/.done"
