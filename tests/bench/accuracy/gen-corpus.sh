#!/bin/sh
# gen-corpus.sh — builds the accuracy corpus of likeness: reference works,
# suspects under every scan transform, and negatives (easy and hard), with
# ground truth in $CACHE/truth.json.
#
# Usage: sh tests/bench/accuracy/gen-corpus.sh [CACHE]   (default build/accuracy)
# Environment: LK_ACC_SEED (default 1), LK_ACC_JOBS (default 2).
#
# Invariants:
#  - Only the ffmpeg CLI and redistributable media: artwork from four Debian
#    data packages (fetched with apt-get download, unpacked with dpkg-deb -x;
#    versions and copyright files recorded in $CACHE/LICENSES.txt) and FFmpeg's
#    lavfi sources.  Nothing here is committed; everything lands in $CACHE.
#  - Deterministic for one seed: every random choice comes from the LCG below,
#    artworks are ordered by md5 of "seed:group", never by directory order.
#  - An artwork used by a hard negative ("held out") is never used by any
#    reference; groups tie near-duplicate files (light/dark variants, the same
#    background under two names) so they fall on the same side.
#  - Times in truth.json are seconds on the suspect's and the reference's own
#    clocks (speed changes are accounted for); stills have start = end = 0.
#  - $CACHE/.done is written last: a complete corpus is reused as is when it
#    was made with the same seed by the same version of this script.
set -eu
CACHE=${1:-build/accuracy}
SEED=${LK_ACC_SEED:-1}
JOBS=${LK_ACC_JOBS:-2}
FPS=25
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
PKGS="freedroidrpg-data flare-game frozen-bubble-data gnome-backgrounds"

STAMP="seed=$SEED script=$(cksum <"$0" | cut -d' ' -f1)"
if [ -f "$CACHE/.done" ] && [ "$(cat "$CACHE/.done")" = "$STAMP" ]; then
    echo "gen-corpus: $CACHE is complete (seed $SEED), reused"; exit 0
fi
command -v ffmpeg >/dev/null || { echo "gen-corpus: ffmpeg is missing" >&2; exit 2; }
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
t_start=$(date +%s)
rm -rf "$CACHE/jobs" "$CACHE/refs" "$CACHE/suspects" "$CACHE/art" "$CACHE/.done"
mkdir -p "$CACHE/debs" "$CACHE/pkgs" "$CACHE/jobs" "$CACHE/refs" "$CACHE/suspects" "$CACHE/art"

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
for p in $PKGS; do
    deb=$(ls "$CACHE/debs/${p}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        (cd "$CACHE/debs" && apt-get download "$p" >/dev/null 2>&1) ||
            { echo "gen-corpus: apt-get download $p failed" >&2; exit 2; }
        deb=$(ls "$CACHE/debs/${p}_"*.deb | head -n 1)
    fi
    [ -d "$CACHE/pkgs/$p/usr" ] || dpkg-deb -x "$deb" "$CACHE/pkgs/$p"
    ver=$(dpkg-deb -f "$deb" Version)
    {
        echo "=== $p $ver (Debian 12, $(basename "$deb"))"
        echo "--- /usr/share/doc/$p/copyright:"
        cat "$CACHE/pkgs/$p/usr/share/doc/$p/copyright"
        echo
    } >> "$CACHE/LICENSES.txt"
done

# ---- 2. candidate artworks per art set -------------------------------------
# Each line: "W H GROUP PATH".  Sizes come from file(1).
dims() { xargs file 2>/dev/null | sed -n 's/^\([^:]*\):.* \([0-9][0-9]*\) x \([0-9][0-9]*\).*/\2 \3 \1/p'; }
P=$CACHE/pkgs
find "$P/freedroidrpg-data/usr/share/freedroidrpg/data/graphics" -name '*.png' \
    ! -path '*tux_motion_parts*' | dims | awk '$1>=400 && $2>=300' |
    while read -r w h f; do
        g=$(echo "$f" | sed 's,.*/graphics/,,; s,droids/\([^/]*\)/.*,droids/\1,')
        echo "$w $h $g $f"; done > "$CACHE/cand.freedroid"
find "$P/flare-game/usr/share/games/flare/mods" -name '*.png' \
    ! -path '*/avatar/*' ! -path '*/parallax/*' | dims | awk '$1>=400 && $2>=300' |
    while read -r w h f; do echo "$w $h $(basename "$f" .png) $f"; done > "$CACHE/cand.flare"
FB=$P/frozen-bubble-data/usr/share/games/frozen-bubble/gfx
ls "$FB"/back_*.png "$FB"/backgrnd.png "$FB"/level_editor.png "$FB"/menu/back_start.png \
   "$FB"/menu/*_panel.png "$FB"/key_shortcuts.png "$FB"/win_panel_*.png "$FB"/intro/back_intro.png \
    2>/dev/null | dims | while read -r w h f; do
        g=$(basename "$f" .png | sed 's/^level_editor$/back_one_player/; s/^win_panel.*/win_panel/')
        echo "$w $h $g $f"; done > "$CACHE/cand.frozen"
ls "$P"/gnome-backgrounds/usr/share/backgrounds/gnome/*.webp | while read -r f; do
    g=$(basename "$f" .webp | sed 's/-[ld]$//')
    echo "4096 4096 $g $f"; done > "$CACHE/cand.gnome"

# order groups by md5("seed:group"), one file per group (also by md5)
for s in freedroid flare frozen gnome; do
    while read -r w h g f; do
        printf '%s %s %s %s %s\n' "$(printf '%s:%s' "$SEED" "$g" | md5sum | cut -c1-12)" \
            "$(printf '%s:%s' "$SEED" "$f" | md5sum | cut -c1-12)" "$w" "$h" "$f"
    done < "$CACHE/cand.$s" | sort | awk '!seen[$1]++ {print $3, $4, $5}' > "$CACHE/order.$s"
done

# ---- 3. artwork canvases (alpha flattened over a dark backdrop) -------------
# art/SET-N.png: 1600x900 canvas for pans and zooms; art/SET-N-still.png: the
# whole picture at its own aspect, at most 1024 on its long side.
prep_art() { # set n w h src
    o=$CACHE/art/$1-$2
    sw=$3; sh=$4
    if [ "$sw" -ge "$sh" ]; then nw=1024; nh=$(( sh * 1024 / sw / 2 * 2 )); else nh=1024; nw=$(( sw * 1024 / sh / 2 * 2 )); fi
    cat > "$CACHE/jobs/art-$1-$2.sh" <<EOF
ffmpeg -nostdin -v error -y -i '$5' -filter_complex "color=c=0x1c2430:s=1600x900,format=rgb24[bg];[0:v]scale=1600:900:force_original_aspect_ratio=increase,crop=1600:900,format=rgba[fg];[bg][fg]overlay=format=auto,format=rgb24" -frames:v 1 '$o.png' &&
ffmpeg -nostdin -v error -y -i '$5' -filter_complex "color=c=0x1c2430:s=${nw}x${nh},format=rgb24[bg];[0:v]scale=${nw}:${nh},format=rgba[fg];[bg][fg]overlay=format=auto,format=rgb24" -frames:v 1 '$o-still.png'
EOF
}
# How many artworks each set gives: held out (hard negatives) + video works
# (2 artworks each, 1 for gnome's big wallpapers) + stills.
set_plan() { # set -> "HELD VIDEOS PER_VIDEO STILLS"
    case $1 in
        freedroid) echo "3 5 2 2" ;; flare) echo "3 5 2 2" ;;
        frozen) echo "3 4 2 1" ;; gnome) echo "3 4 1 1" ;;
    esac
}
for s in freedroid flare frozen gnome; do
    set -- $(set_plan $s)
    need=$(( $1 + $2 * $3 + $4 ))
    have=$(wc -l < "$CACHE/order.$s")
    [ "$have" -ge "$need" ] || { echo "gen-corpus: set $s has $have artworks, needs $need" >&2; exit 2; }
    n=0
    head -n "$need" "$CACHE/order.$s" | while read -r w h f; do
        n=$((n + 1)); prep_art $s $n "$w" "$h" "$f"; echo "$s-$n $f" >> "$CACHE/art/SOURCES.txt"
    done
done
run_jobs() { # pattern: runs jobs/PATTERN*.sh with $JOBS in parallel, fails on any failure
    ls "$CACHE"/jobs/$1*.sh | xargs -P "$JOBS" -I{} sh -c 'sh "$1" || { echo "gen-corpus: job $1 failed" >&2; exit 255; }' _ {}
}
run_jobs art-

# ---- 4. reference works ----------------------------------------------------
TRUTH_REFS=$CACHE/truth.refs
: > "$TRUTH_REFS"
REFLIST=$CACHE/refs.list   # "id kind set file duration"
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
add_ref() { # kind set file duration
    wid=$((wid + 1)); id=$(printf 'w%02d' $wid)
    [ "$1" = still ] && id=$(printf 's%02d' $wid)
    echo "$id $1 $2 $3 $4" >> "$REFLIST"
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
            k=mandelbrot; rint 0 1; [ "$R" -eq 1 ] && k=cellauto
            lavfi_shot $f $size $k; fg="$fg$LS[v$i];"
        else
            art=$CACHE/art/$1-$(( $2 + i % $3 )).png
            ins="$ins -i '$art'"; kenburns $i $f $size; fg="$fg$KB[v$i];"
        fi
        cat="$cat[v$i]"; frames=$((frames + f)); i=$((i + 1))
    done
    wid1=$(( wid + 1 )); file=refs/$(printf 'w%02d' $wid1).mp4
    add_ref video "$1" "$file" "$(dec $(( frames * 100 / FPS )))"
    cat > "$CACHE/jobs/ref-$REF_ID.sh" <<EOF
ffmpeg -nostdin -v error -y $ins -filter_complex "$fg${cat}concat=n=$nshot:v=1:a=0[out]" -map '[out]' -c:v libx264 -preset veryfast -crf 18 -g 50 -pix_fmt yuv420p -an '$CACHE/$file'
EOF
}
still_ref() { # set art_index
    wid1=$(( wid + 1 )); ext=png; [ $(( wid1 % 2 )) -eq 0 ] && ext=jpg
    file=refs/$(printf 's%02d' $wid1).$ext
    add_ref still "$1" "$file" 0
    if [ "$1" = lavfi ]; then
        lavfi_shot 1 960x540 mandelbrot
        echo "ffmpeg -nostdin -v error -y -filter_complex \"$LS\" -frames:v 1 -q:v 2 '$CACHE/$file'" > "$CACHE/jobs/ref-$REF_ID.sh"
    else
        echo "ffmpeg -nostdin -v error -y -i '$CACHE/art/$1-$2-still.png' -frames:v 1 -q:v 2 '$CACHE/$file'" > "$CACHE/jobs/ref-$REF_ID.sh"
    fi
}
for s in freedroid flare frozen gnome; do
    set -- $(set_plan $s)
    held=$1; nv=$2; per=$3; ns=$4
    k=$(( held + 1 ))
    v=0; while [ $v -lt "$nv" ]; do video_ref $s $k "$per"; k=$((k + per)); v=$((v + 1)); done
    v=0; while [ $v -lt "$ns" ]; do still_ref $s $k; k=$((k + 1)); v=$((v + 1)); done
done
v=0; while [ $v -lt 6 ]; do video_ref lavfi 0 0; v=$((v + 1)); done
still_ref lavfi 0
still_ref lavfi 0
run_jobs ref-

# ---- 5. suspects and negatives ----------------------------------------------
# A suspect is a timeline of segments (unrelated padding, excerpts of
# references) at 640x360, then one transform applied to the whole clip.
TRUTH_SUS=$CACHE/truth.suspects
: > "$TRUTH_SUS"
pad_src() { # FRAMES [W H] -> PAD: unrelated lavfi material
    pw=${2:-640}; ph=${3:-360}
    rint 0 2; k=$R; rint 1 9999; sd=$R
    case $k in
        0) PAD="gradients=s=${pw}x${ph}:r=$FPS:seed=$sd:speed=0.0$(( sd % 9 + 1 )):nb_colors=$(( sd % 5 + 2 ))" ;;
        1) PAD="testsrc2=s=${pw}x${ph}:r=$FPS" ;;
        *) PAD="life=s=$(( pw / 4 ))x$(( ph / 4 )):r=$FPS:seed=$sd:mold=10:ratio=0.$(( sd % 5 + 1 )):life_color=#$(printf %06x $(( sd * 2654435 % 16777216 ))):death_color=#101828,scale=$pw:$ph:flags=neighbor" ;;
    esac
    PAD="$PAD,trim=end_frame=$1,setpts=PTS-STARTPTS,format=yuv420p,setsar=1"
}
# Segment builders append to FG/CAT/INS; T (frames so far) is the timeline clock.
seg_pad() { pad_src "$1"; FG="$FG$PAD[s$NS];"; CAT="$CAT[s$NS]"; NS=$((NS + 1)); T=$((T + $1)); }
seg_excerpt() { # ref_id ref_file a_frames frames [pip]
    INS="$INS -i '$CACHE/$2'"
    ch="[$NI:v]trim=start_frame=$3:end_frame=$(( $3 + $4 )),setpts=PTS-STARTPTS,scale=640:360,fps=$FPS,format=yuv420p,setsar=1"
    if [ "${5:-}" = pip ]; then
        rint 0 3; case $R in 0) xy="16:16" ;; 1) xy="W-w-16:16" ;; 2) xy="16:H-h-16" ;; *) xy="W-w-16:H-h-16" ;; esac
        pad_src "$4"
        FG="$FG$ch,scale=288:162[f$NS];$PAD[b$NS];[b$NS][f$NS]overlay=$xy:shortest=1,format=yuv420p[s$NS];"
    else
        FG="$FG$ch[s$NS];"
    fi
    POS="$POS $1:$T:$(( T + $4 )):$3:$(( $3 + $4 ))"
    CAT="$CAT[s$NS]"; NS=$((NS + 1)); NI=$((NI + 1)); T=$((T + $4))
}
seg_still() { # ref_id ref_file frames
    INS="$INS -i '$CACHE/$2'"
    rint 3 9
    FG="$FG[$NI:v]scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,zoompan=z='1+0.0$R*on/$3':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=$3:s=640x360:fps=$FPS,format=yuv420p,setsar=1[s$NS];"
    POS="$POS $1:$T:$(( T + $3 )):0:0"
    CAT="$CAT[s$NS]"; NS=$((NS + 1)); NI=$((NI + 1)); T=$((T + $3))
}
seg_art() { # canvas frames (hard negatives)
    INS="$INS -i '$1'"; kenburns $NI "$2" 640x360
    FG="$FG$KB[s$NS];"; CAT="$CAT[s$NS]"; NS=$((NS + 1)); NI=$((NI + 1)); T=$((T + $2))
}
# transform_chain NAME -> TX (filters on the whole timeline), CRF, SPEED (x100)
transform_chain() {
    CRF=23; SPEED=100; TX=null
    case $1 in
        reencode) rint 35 40; CRF=$R ;;
        downscale240) TX="scale=-2:240"; CRF=26 ;;
        crop20) rint 0 10; ox=$R; rint 0 10; oy=$R
                TX="crop=iw*0.8:ih*0.8:iw*0.$(printf %02d $ox):ih*0.$(printf %02d $oy)"
                rint 0 1; if [ $R -eq 1 ]; then TX="$TX,scale=640:360"; fi ;;
        hflip) TX=hflip ;;
        colorgrade) rint 15 40; h=$R; rint 0 1; if [ $R -eq 1 ]; then h=-$h; fi
                    rint 55 140; s=$R; rint 70 140; g=$R
                    TX="hue=h=$h:s=$(dec $s),eq=gamma=$(dec $g):contrast=1.1" ;;
        letterbox) rint 0 2; case $R in
                    0) TX="pad=640:480:0:60" ;; 1) TX="pad=840:360:100:0" ;;
                    *) TX="scale=512:288,pad=640:480:64:96" ;; esac ;;
        vertical916) rint 0 20; TX="crop=ih*9/16:ih:(iw-ow)*(0.40+0.$(printf %02d $R)):0,scale=360:640" ;;
        overlay) rint 0 1; lx=16; if [ $R -eq 1 ]; then lx=530; fi
                 TX="drawbox=x=$lx:y=14:w=94:h=94:color=0xF0C020@0.9:t=fill,drawbox=x=$((lx + 22)):y=36:w=50:h=50:color=0xC02040@0.9:t=fill,drawbox=x=0:y=ih*0.80:w=iw:h=ih*0.15:color=black@0.6:t=fill"
                 if [ -f "$FONT" ]; then TX="$TX,drawtext=fontfile=$FONT:text='EXCLUSIVE CLIP - subscribe':x=24:y=h*0.83:fontsize=26:fontcolor=white"; fi ;;
        blurnoise) rint 15 30; TX="gblur=sigma=$(dec $((R * 10))),noise=alls=14:allf=t+u" ;;
        speed) rint 0 3; case $R in 0) SPEED=75 ;; 1) SPEED=85 ;; 2) SPEED=120 ;; *) SPEED=125 ;; esac
               TX="setpts=PTS*100/$SPEED,fps=$FPS" ;;
    esac
}
nsus=0
write_suspect() { # name transform set hard_negative(0/1)
    transform_chain "$2"
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
    printf '{"file":"%s","transform":"%s","set":"%s","hard_negative":%s,"positives":[%s]}\n' "$1" "$2" "$3" "$hn" "$pj" >> "$TRUTH_SUS"
}
start_timeline() { FG=""; CAT=""; INS=""; NS=0; NI=0; T=0; POS=""; }
grep ' video ' "$REFLIST" > "$CACHE/refs.video"
grep ' still ' "$REFLIST" > "$CACHE/refs.still"
NV=$(wc -l < "$CACHE/refs.video"); NSTILL=$(wc -l < "$CACHE/refs.still")
pick_video() { # -> RID RFILE RDUR(frames) RSET, a seeded video reference
    rint 1 "$NV"; set -- $(sed -n "${R}p" "$CACHE/refs.video")
    RID=$1; RSET=$3; RFILE=$4; RDUR=$(echo "$5" | awk '{printf "%d", $1 * 25}')
}
excerpt_of() { # RDUR -> EA EF (start frame, frames), 3-8 s inside the reference
    rint 75 200; EF=$R; [ $EF -gt $(( RDUR - 10 )) ] && EF=$(( RDUR - 10 ))
    rint 0 $(( RDUR - EF - 1 )); EA=$R
}
TRANSFORMS="reencode downscale240 crop20 hflip colorgrade letterbox vertical916 overlay pip blurnoise speed still_in_video framegrab"
for tr in $TRANSFORMS; do
    i=0
    while [ $i -lt 5 ]; do
        i=$((i + 1)); name=$tr-$i
        start_timeline
        if [ $tr = framegrab ]; then
            pick_video; rint 5 $(( RDUR - 5 )); g=$R
            ext=jpg; vf="select=eq(n\\,$g)"; rint 0 2
            [ $R -eq 1 ] && ext=png
            [ $R -eq 2 ] && vf="$vf,scale=480:-2"
            file=suspects/$name.$ext
            printf '%s\n' "ffmpeg -nostdin -v error -y -i '$CACHE/$RFILE' -vf '$vf' -frames:v 1 -q:v 5 '$CACHE/$file'" > "$CACHE/jobs/sus-$name.sh"
            POS="$RID:0:0:$g:$g"; SPEED=100
            emit_truth "$file" framegrab "$RSET" 0
            continue
        fi
        rint 50 125; seg_pad $R
        if [ $tr = still_in_video ]; then
            rint 1 "$NSTILL"; set -- $(sed -n "${R}p" "$CACHE/refs.still")
            RID=$1; RSET=$3; rint 75 150; seg_still "$1" "$4" $R; set1=$RSET
        else
            pick_video; set1=$RSET; excerpt_of
            mode=""; [ $tr = pip ] && mode=pip
            seg_excerpt "$RID" "$RFILE" $EA $EF $mode
            rint 0 3
            if [ $R -eq 0 ] && [ $T -lt 250 ]; then
                rint 50 100; seg_pad $R
                pick_video; excerpt_of; [ $EF -gt 125 ] && EF=125
                seg_excerpt "$RID" "$RFILE" $EA $EF $mode
            fi
        fi
        rint 50 125; seg_pad $R
        write_suspect "$name" $tr $set1 0
    done
done
# Negatives: 12 easy (unrelated lavfi material), 18 hard (held-out artworks of
# the same art sets, lavfi fractals and automata the references never show).
GLOBAL_TX="none reencode downscale240 crop20 hflip colorgrade letterbox overlay blurnoise speed"
neg_tx() { rint 1 10; NTX=$(echo $GLOBAL_TX | cut -d' ' -f$R); }
i=0
while [ $i -lt 12 ]; do
    i=$((i + 1)); start_timeline
    rint 2 3; n=$R; j=0; while [ $j -lt $n ]; do rint 75 175; seg_pad $R; j=$((j + 1)); done
    neg_tx; write_suspect neg-easy-$i $NTX none 0
done
for s in freedroid flare frozen gnome; do
    held=$(set_plan $s | cut -d' ' -f1)
    j=0
    while [ $j -lt 3 ]; do
        j=$((j + 1)); start_timeline
        rint 0 1; if [ $R -eq 1 ]; then rint 25 75; seg_pad $R; fi
        rint 75 150; seg_art "$CACHE/art/$s-$j.png" $R
        a2=$(( j % held + 1 )); rint 75 150; seg_art "$CACHE/art/$s-$a2.png" $R
        rint 0 1; if [ $R -eq 1 ]; then rint 25 75; seg_pad $R; fi
        neg_tx; write_suspect neg-hard-$s-$j $NTX $s 1
    done
    [ $s = gnome ] && continue
    file=suspects/neg-hard-$s-still.jpg
    echo "ffmpeg -nostdin -v error -y -i '$CACHE/art/$s-2-still.png' -vf scale=800:-2 -frames:v 1 -q:v 4 '$CACHE/$file'" > "$CACHE/jobs/sus-neg-hard-$s-still.sh"
    POS=""; SPEED=100; emit_truth "$file" none $s 1
done
j=0
while [ $j -lt 3 ]; do
    j=$((j + 1)); start_timeline
    # other corners of the Mandelbrot set and other automaton rules
    rint 0 1
    if [ $R -eq 0 ]; then
        rint 10 40; x=$R; rint 10 60
        src="mandelbrot=s=640x360:r=$FPS:maxiter=256:start_x=0.$x:start_y=0.$R:start_scale=0.5:end_scale=0.01:end_pts=400"
    else
        rint 0 2; case $R in 0) rule=54 ;; 1) rule=62 ;; *) rule=122 ;; esac
        src="cellauto=s=640x360:rate=$FPS:rule=$rule:random_fill_ratio=0.3:random_seed=$j:scroll=1"
    fi
    rint 200 300
    FG="$src,trim=end_frame=$R,setpts=PTS-STARTPTS,format=yuv420p,setsar=1[s0];"; CAT="[s0]"; NS=1; T=$R
    neg_tx; write_suspect neg-hard-lavfi-$j $NTX lavfi 1
done
run_jobs sus-

# ---- 6. ground truth -------------------------------------------------------
{
    printf '{"schema":1,"seed":%s,"fps":%s,\n"references":[\n' "$SEED" "$FPS"
    sed '$!s/$/,/' "$TRUTH_REFS"
    printf '],\n"suspects":[\n'
    sed '$!s/$/,/' "$TRUTH_SUS"
    printf ']}\n'
} > "$CACHE/truth.json"
rm -f "$TRUTH_REFS" "$TRUTH_SUS"
nref=$(ls "$CACHE/refs" | wc -l); nsus=$(ls "$CACHE/suspects" | wc -l)
echo "gen-corpus: $nref references, $nsus suspects in $CACHE ($(( $(date +%s) - t_start )) s, seed $SEED)"
echo "$STAMP" > "$CACHE/.done"
