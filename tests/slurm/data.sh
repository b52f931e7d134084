# data.sh — the inputs of tests/slurm/run.sh (sourced): a reference index
# of the demo's two works and three Mandelbrot plates in $D/ref.idx, and
# $D/list of 34 suspects: the demo's 3, 24 copies of them with bytes
# appended (distinct content, same pictures; 3 x $LK_SLURM_COPIES, default
# 8), 3 scaled plates, a corrupt clip, a truncated clip, an empty file and
# a path that does not exist.
D="$W/data"

make_data() {
    demo="$top/data/demo"
    mkdir -p "$D/in"
    ff() { ffmpeg -nostdin -hide_banner -v error -y "$@" || fail "ffmpeg failed"; }
    L="$LIKENESS"
    $L index add --index "$D/ref.idx" --owner "Example Studio" --title "Starfall (Episode 1)" \
        --work-id starfall "$demo/refs/starfall-ep01.mp4" >/dev/null 2>&1 || fail "index add"
    $L index add --index "$D/ref.idx" --owner "Other Pictures" --title "Tidal Lines key art" \
        --work-id tidal "$demo/refs/tidal-lines-keyart.png" >/dev/null 2>&1 || fail "index add"
    i=0
    for at in "-0.7435:0.1314" "-1.25066:0.02012" "0.275:0.006"; do
        i=$((i + 1))
        ff -f lavfi -i "mandelbrot=s=320x240:start_x=${at%:*}:start_y=${at#*:}:start_scale=0.05:end_scale=0.05" \
            -frames:v 1 "$D/plate-$i.png"
        $L index add --index "$D/ref.idx" --owner "Fractal House" --title "Plate $i" \
            --work-id "plate-$i" "$D/plate-$i.png" >/dev/null 2>&1 || fail "index add"
        ff -i "$D/plate-$i.png" -vf scale=256:192 "$D/in/plate-$i-copy.jpg"
    done
    cp "$demo"/suspects/* "$D/in/"
    i=0
    copies=${LK_SLURM_COPIES:-8}
    while [ $i -lt "$copies" ]; do
        for f in generated-clip-017 unrelated-clip fan-post; do
            ext=mp4; [ $f = fan-post ] && ext=jpg
            cp "$demo/suspects/$f.$ext" "$D/in/$f-$i.$ext"
            printf 'pad%04d' $i >>"$D/in/$f-$i.$ext"
        done
        i=$((i + 1))
    done
    printf 'not a video\n' >"$D/in/corrupt.mp4"
    head -c 2000 "$demo/suspects/unrelated-clip.mp4" >"$D/in/truncated.mp4"
    : >"$D/in/empty.png"
    { find "$D/in" -type f | sort; echo "$D/in/vanished.mp4"; } >"$D/list"
    want=$((10 + 3 * copies))
    [ "$(wc -l <"$D/list")" -eq $want ] || fail "expected $want suspects, got $(wc -l <"$D/list")"
}
