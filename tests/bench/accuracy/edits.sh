# edits.sh — the edits of the accuracy corpus (sourced by gen-corpus.sh):
# FFmpeg filter chains for every transform applied to a whole 640x360
# suspect timeline, and the builders of picture suspects (crops of a still,
# app-window and phone screenshots with drawn UI around the picture).
#
# Conventions: every random choice goes through rint (gen-corpus.sh's seeded
# LCG); shell variables are global, so builders use names the callers do not
# (callers keep loop and place variables under other names); a builder sets PARAMS, a short human-readable note of what it drew
# (copied to truth.json; no quotes, commas or colons).  Filter text is
# written into job scripts inside double quotes, so it holds no '"' or '$';
# drawn texts hold no ',', ':', quote or '%'.  Geometry is in whole pixels
# of the 640x360 timeline (W, H) and stays inside the frame.

TW=640 TH=360
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

even() { echo $(( $1 / 2 * 2 )); }
# colour: R := a random 0xRRGGBB (each channel in [LO, HI], default 0-255)
colour() {
    rint "${1:-0}" "${2:-255}"; _r=$R; rint "${1:-0}" "${2:-255}"; _g=$R; rint "${1:-0}" "${2:-255}"
    R=$(printf '0x%02X%02X%02X' $_r $_g $R)
}
# text X Y SIZE COLOUR WORDS... -> a drawtext filter (gen-corpus.sh checks
# that the font is there)
text() {
    x=$1; y=$2; sz=$3; tc=$4; shift 4
    TXT="drawtext=fontfile=$FONT:text='$*':x=$x:y=$y:fontsize=$sz:fontcolor=$tc"
}
box() { BOX="drawbox=x=$1:y=$2:w=$3:h=$4:color=$5:t=fill"; }
# pick WORD... : R := one of the words
pick() { rint 1 $#; eval "R=\${$R}"; }
CAPTIONS="EXCLUSIVE CLIP - subscribe|BREAKING - watch till the end|full episode in the description|like and share for part 2|LIVE now - 24/7 stream|the best moments - compilation|reupload - not mine - credits to owner|fan edit 4K remaster"
caption_text() { rint 1 8; R=$(echo "$CAPTIONS" | cut -d'|' -f$R); }

# ---- whole-timeline transforms ---------------------------------------------
# transform_chain NAME FRAMES -> TX (filters on the whole timeline; may use
# labels: the caller appends [out]), CRF, SPEED (x100), PARAMS
transform_chain() {
    CRF=23; SPEED=100; TX=null; PARAMS=""
    case $1 in
        none) ;;
        reencode) rint 35 40; CRF=$R; PARAMS="crf $CRF" ;;
        downscale240) rint 24 30; CRF=$R; TX="scale=-2:240"; PARAMS="240p crf $CRF" ;;
        crop20) tx_crop20 ;;
        hflip) rint 20 28; CRF=$R; TX=hflip; PARAMS="crf $CRF" ;;
        colorgrade) tx_grade; TX=$GRADE ;;
        letterbox) tx_letterbox ;;
        vertical916) rint 40 60; tx_vertical "$R" ;;
        vertical916_any) rint 0 100; tx_vertical "$R" ;;
        overlay) tx_overlay ;;
        blurnoise) rint 15 30; TX="gblur=sigma=$(dec $((R * 10))),noise=alls=14:allf=t+u"; PARAMS="sigma $(dec $((R * 10)))" ;;
        speed) pick 75 80 85 90 110 115 120 125; SPEED=$R
               TX="setpts=PTS*100/$SPEED,fps=$FPS"; PARAMS="x$(dec $SPEED)" ;;
        crop_offset) rint 10 30; tx_crop $((100 - R)); TX="$CROP,scale=$TW:$TH" ;;
        occlusion) tx_occlusion ;;
        captions) tx_captions ;;
        combo) tx_combo ;;
        stylised) tx_stylised ;;
        panzoom) tx_panzoom "$2" ;;
        short_excerpt|still_in_video|pip|pip_small|pip_large) rint 21 28; CRF=$R; PARAMS="$PARAMS crf $CRF" ;;
        *) echo "gen-corpus: unknown transform $1" >&2; exit 2 ;;
    esac
}
tx_crop20() {
    rint 0 10; ox=$R; rint 0 10; oy=$R; cw=$(even $((TW * 8 / 10))); ch=$(even $((TH * 8 / 10)))
    TX="crop=$cw:$ch:$((TW * ox / 100)):$((TH * oy / 100))"; PARAMS="80% at $ox/$oy%"
    rint 0 1; if [ $R -eq 1 ]; then TX="$TX,scale=$TW:$TH"; PARAMS="$PARAMS scaled back"; fi
}
# tx_crop KEEP%: CROP := a crop keeping KEEP% of each side at a random offset
tx_crop() {
    cw=$(even $((TW * $1 / 100))); ch=$(even $((TH * $1 / 100)))
    rint 0 $((TW - cw)); cx=$R; rint 0 $((TH - ch)); cy=$R
    CROP="crop=$cw:$ch:$cx:$cy"; PARAMS="keep $1% at x$cx y$cy"
}
tx_grade() {
    rint 15 40; h=$R; rint 0 1; [ $R -eq 1 ] && h=-$h
    rint 55 140; s=$R; rint 70 140; g=$R
    GRADE="hue=h=$h:s=$(dec $s),eq=gamma=$(dec $g):contrast=1.1"; PARAMS="$PARAMS hue $h sat $(dec $s) gamma $(dec $g)"
}
tx_letterbox() {
    rint 0 2
    case $R in
        0) rint 0 40; TX="pad=$TW:480:0:60:color=$(printf '0x%02X%02X%02X' $R $R $R)"; PARAMS="letterbox 4/3" ;;
        1) rint 760 960; pw=$(even $R); rint 0 $((pw - TW)); TX="pad=$pw:$TH:$R:0"; PARAMS="pillarbox $pw at $R" ;;
        *) rint 55 85; s=$R; sw=$(even $((TW * s / 100))); sh=$(even $((TH * s / 100)))
           pick 360 480; ch=$R; rint 0 $((TW - sw)); x=$R; rint 0 $((ch - sh)); y=$R
           TX="scale=$sw:$sh,pad=$TW:$ch:$x:$y"; PARAMS="window $s% at x$x y$y in ${TW}x$ch" ;;
    esac
}
tx_vertical() { # OFFSET%: 9:16 window at OFFSET% of the free width
    cw=$(even $((TH * 9 / 16))); x=$(( (TW - cw) * $1 / 100 ))
    TX="crop=$cw:$TH:$x:0,scale=360:640"; PARAMS="9/16 at $1%"
}
tx_overlay() {
    rint 0 3; lx=16; ly=14
    case $R in 1) lx=530 ;; 2) ly=252 ;; 3) lx=530; ly=252 ;; esac
    colour 120 255; c1=$R; colour 60 220; c2=$R
    TX="drawbox=x=$lx:y=$ly:w=94:h=94:color=$c1@0.9:t=fill,drawbox=x=$((lx + 22)):y=$((ly + 22)):w=50:h=50:color=$c2@0.9:t=fill"
    rint 75 85; by=$((TH * R / 100))
    TX="$TX,drawbox=x=0:y=$by:w=iw:h=ih*0.15:color=black@0.6:t=fill"
    caption_text; text 24 $((by + 14)) 26 white "$R"; TX="$TX,$TXT"
    PARAMS="logo at x$lx y$ly caption at y$by"
}
# occlusion: a box or a cartoon logo over 30-50% of the frame, and sometimes
# a caption bar
tx_occlusion() {
    rint 30 50; a=$R; rint 60 170; asp=$R
    set -- $(awk "BEGIN { w = sqrt($a / 100 * $TW * $TH * $asp / 100); if (w > $TW - 20) w = $TW - 20;
        h = $a / 100 * $TW * $TH / w; if (h > $TH - 10) { h = $TH - 10; w = $a / 100 * $TW * $TH / h }
        printf \"%d %d\", int(w / 2) * 2, int(h / 2) * 2 }")
    ow=$1; oh=$2; rint 0 $((TW - ow)); ox=$R; rint 0 $((TH - oh)); oy=$R
    rint 0 1
    if [ $R -eq 0 ]; then
        colour; c=$R; rint 85 100; op=$R
        TX="drawbox=x=$ox:y=$oy:w=$ow:h=$oh:color=$c@$(dec $op):t=fill"; PARAMS="box $a% ${ow}x$oh at x$ox y$oy"
    else
        colour 150 255; c1=$R; colour 0 120; c2=$R; pick ZAP POW WOW BAM TV1 HD+ KIDS FUN
        text "(w-tw)/2" "(h-th)/2" $((oh / 3)) 0x202020 "$R"
        d="hypot(2*X/W-1\,2*Y/H-1)"
        g="geq=r='if(lt($d\,0.72)\,$(( (c1 >> 16) & 255 ))\,$(( (c2 >> 16) & 255 )))':g='if(lt($d\,0.72)\,$(( (c1 >> 8) & 255 ))\,$(( (c2 >> 8) & 255 )))':b='if(lt($d\,0.72)\,$((c1 & 255))\,$((c2 & 255)))':a='if(lt($d\,1)\,240\,0)'"
        TX="null[pre];color=c=black:s=${ow}x$oh:d=0.04,format=rgba,$g,$TXT,loop=loop=-1:size=1[logo];[pre][logo]overlay=$ox:$oy:shortest=1"
        PARAMS="logo $a% ${ow}x$oh at x$ox y$oy"
    fi
    rint 0 1
    if [ $R -eq 1 ]; then
        rint 12 18; bh=$((TH * R / 100)); box 0 $((TH - bh)) $TW $bh black@0.75
        caption_text; text 20 $((TH - bh + bh / 4)) $((bh / 2)) white "$R"
        TX="$TX,$BOX,$TXT"; PARAMS="$PARAMS + caption bar $bh"
    fi
}
# captions: a bottom bar (12-22% of the height) with one or two lines, and
# sometimes a ticker bar at the top
tx_captions() {
    rint 12 22; bh=$((TH * R / 100)); rint 50 100; op=$R; colour 0 60
    box 0 $((TH - bh)) $TW $bh "$R@$(dec $op)"; TX=$BOX
    caption_text; text 18 $((TH - bh + 6)) $((bh * 2 / 5)) white "$R"; TX="$TX,$TXT"
    PARAMS="bottom bar $bh"
    rint 0 1
    if [ $R -eq 1 ]; then
        rint 8 14; th=$((TH * R / 100)); colour 100 230
        box 0 0 $TW $th "$R@0.9"; caption_text; text 10 $((th / 5)) $((th * 3 / 5)) black "$R"
        TX="$TX,$BOX,$TXT"; PARAMS="$PARAMS + top bar $th"
    fi
}
# combo: crop 10-25% at any offset + mirror + grade + downscale
tx_combo() {
    rint 10 25; tx_crop $((100 - R)); tx_grade; pick 216 240 270 288; sh=$R; rint 23 28; CRF=$R
    TX="$CROP,hflip,$GRADE,scale=-2:$sh"; PARAMS="$PARAMS mirror ${sh}p"
}
# stylised re-renders: posterise, edge overlay, heavy blur, cartoon
tx_stylised() {
    rint 0 3; v=$R; pick 43 51 64 85; q=$R; rint 5 15; lo=$R; rint 20 40; hi=$R
    post="lutrgb=r='trunc(val/$q)*$q+$q/2':g='trunc(val/$q)*$q+$q/2':b='trunc(val/$q)*$q+$q/2'"
    edges="format=gray,edgedetect=low=$(dec $lo):high=$(dec $hi),format=yuv420p"
    case $v in
        0) TX="$post,format=yuv420p"; PARAMS="posterise $((255 / q + 1)) levels" ;;
        1) pick screen lighten multiply; m=$R; e=$edges; [ $m = multiply ] && e="$edges,negate"
           TX="format=yuv420p,split[sa][sb];[sb]$e[se];[sa][se]blend=c0_mode=$m:c1_mode=normal:c2_mode=normal"
           PARAMS="edge overlay $m" ;;
        2) rint 35 70; TX="gblur=sigma=$(dec $((R * 10)))"; PARAMS="blur sigma $(dec $((R * 10)))" ;;
        *) TX="format=yuv420p,split[sa][sb];[sb]$edges,negate[se];[sa]$post,format=yuv420p[sp];[sp][se]blend=c0_mode=multiply:c1_mode=normal:c2_mode=normal"
           PARAMS="cartoon $((255 / q + 1)) levels" ;;
    esac
}
# panzoom FRAMES: a slow pan across a 15-35% enlargement, or a slow zoom in
# or out, over the whole suspect
tx_panzoom() {
    rint 115 135; z=$R; rint 0 100; a=$R; rint 0 100; b=$R; rint 0 100; c=$R; rint 0 2
    case $R in
        0) zw=$(even $((TW * z / 100)))
           TX="scale=$zw:-2,crop=$TW:$TH:x='(iw-ow)*($a+($b-$a)*n/$1)/100':y='(ih-oh)*$c/100'"; PARAMS="pan x$(dec $z) $a-$b%" ;;
        1) TX="zoompan=z='1+0.$((z - 100))*on/$1':x='(iw-iw/zoom)*$a/100':y='(ih-ih/zoom)*$c/100':d=1:s=${TW}x$TH:fps=$FPS"
           PARAMS="zoom in to x$(dec $z)" ;;
        *) TX="zoompan=z='1+0.$((z - 100))*(1-on/$1)':x='(iw-iw/zoom)*$a/100':y='(ih-ih/zoom)*$c/100':d=1:s=${TW}x$TH:fps=$FPS"
           PARAMS="zoom out from x$(dec $z)" ;;
    esac
}

# ---- picture suspects --------------------------------------------------------
# Each builder takes the picture's size (PW PH) and writes PIC: a filter
# graph from [pic] (the picture) to [out]; pic_ext draws EXT (png or jpg)
# first.
pic_ext() { rint 0 1; EXT=png; if [ $R -eq 1 ]; then EXT=jpg; fi; }
# fit W H MAXW MAXH -> FW FH (even, aspect kept)
fit() {
    FW=$(even $3); FH=$(even $(( $2 * $3 / $1 )))
    if [ "$FH" -gt "$4" ]; then FH=$(even $4); FW=$(even $(( $1 * $4 / $2 ))); fi
}
# still_crop: 60-80% of each side at any offset, sometimes rescaled
pic_crop() {
    rint 60 80; kx=$R; rint 60 80; ky=$R; rint 0 100; ox=$R; rint 0 100; oy=$R
    PIC="[pic]crop=iw*$kx/100:ih*$ky/100:(iw-ow)*$ox/100:(ih-oh)*$oy/100"
    PARAMS="keep $kx% x $ky% at $ox/$oy%"
    rint 0 2; if [ $R -ne 0 ]; then rint 400 1024; PIC="$PIC,scale=$(even $R):-2"; PARAMS="$PARAMS width $R"; fi
    PIC="$PIC[out]"
}
# an app window on a desktop: title bar, toolbar, sidebar with items, a
# taskbar; the picture fills 55-95% of the content area somewhere in it
pic_app() { # PW PH
    pick 1280x800 1366x768 1440x900 1920x1080; cw=${R%x*}; ch=${R#*x}
    rint 0 1; dark=$R
    if [ $dark -eq 1 ]; then win=0x202124; bar=0x2B2D31; side=0x26282C; ink=0xE8EAED; else win=0xF7F7F7; bar=0xE4E4E4; side=0xECEEF2; ink=0x202124; fi
    colour 20 200; desk=$R
    rint 0 $((cw / 12)); wx=$R; rint 0 $((ch / 14)); wy=$R; rint 0 $((cw / 12)); ww=$((cw - wx - R))
    rint 0 $((ch / 14)); wh=$((ch - 40 - wy - R)); rint 12 24; sw=$((ww * R / 100))
    g="color=c=$desk:s=${cw}x$ch:d=0.04,format=rgb24"
    box $wx $wy $ww $wh $win; g="$g,$BOX"; box $wx $wy $ww 30 $bar; g="$g,$BOX"
    for k in 1 2 3; do box $((wx + ww - 28 * k)) $((wy + 8)) 14 14 0x9AA0A6; g="$g,$BOX"; done
    pick Gallery Viewer Photos Preview Library Assets; ttl=$R; rint 1000 9999
    text $((wx + 12)) $((wy + 8)) 14 $ink "$ttl - image_$R.$EXT"; g="$g,$TXT"
    box $wx $((wy + 30)) $ww 40 $bar; g="$g,$BOX"
    rint 4 8; nb=$R; k=0; while [ $k -lt $nb ]; do box $((wx + 12 + 40 * k)) $((wy + 36)) 28 28 0x8AB4F8@0.8; g="$g,$BOX"; k=$((k + 1)); done
    box $wx $((wy + 70)) $sw $((wh - 70)) $side; g="$g,$BOX"
    rint 5 10; ni=$R; k=0
    while [ $k -lt $ni ]; do
        pick Home Recent Favourites Albums Shared Trash Imports Edits Exports Videos
        text $((wx + 14)) $((wy + 86 + 30 * k)) 13 $ink "$R"; g="$g,$TXT"; k=$((k + 1)); done
    box 0 $((ch - 40)) $cw 40 0x111418@0.95; g="$g,$BOX"
    k=0; while [ $k -lt 6 ]; do box $((10 + 44 * k)) $((ch - 32)) 24 24 0x5F6368; g="$g,$BOX"; k=$((k + 1)); done
    # content area, picture inside
    cx0=$((wx + sw + 16)); cy0=$((wy + 86)); caw=$((ww - sw - 32)); cah=$((wh - 102))
    rint 55 95; fit "$1" "$2" $((caw * R / 100)) $((cah * R / 100))
    rint 0 $((caw - FW)); px=$((cx0 + R)); rint 0 $((cah - FH)); py=$((cy0 + R))
    PIC="$g[ui];[pic]scale=$FW:$FH,format=rgb24[p];[ui][p]overlay=$px:$py,format=rgb24[out]"
    PARAMS="app ${cw}x$ch picture ${FW}x$FH at x$px y$py"
}
# a phone screenshot: status bar, app bar, post header, the picture at full
# width, action buttons, caption lines, the next post, navigation bar
pic_phone() { # PW PH
    pick 720x1280 720x1280 1080x1920 1080x2340; cw=${R%x*}; ch=${R#*x}; u=$((cw / 360))
    rint 0 1; dark=$R
    if [ $dark -eq 1 ]; then bg=0x000000; card=0x121212; ink=0xF1F1F1; else bg=0xFFFFFF; card=0xF0F2F5; ink=0x111111; fi
    g="color=c=$bg:s=${cw}x$ch:d=0.04,format=rgb24"
    rint 1 12; hr=$R; rint 10 59; text $((8 * u)) $((5 * u)) $((12 * u)) $ink "$hr.$R"; g="$g,$TXT"
    for k in 1 2 3; do box $((cw - 18 * u * k)) $((7 * u)) $((12 * u)) $((10 * u)) $ink; g="$g,$BOX"; done
    y=$((24 * u)); box 0 $y $cw $((48 * u)) $card; g="$g,$BOX"
    pick Feed Explore Reels Shorts Stories Home; text $((16 * u)) $((y + 14 * u)) $((18 * u)) $ink "$R"; g="$g,$TXT"
    y=$((y + 56 * u)); colour 60 230; box $((12 * u)) $y $((32 * u)) $((32 * u)) "$R"; g="$g,$BOX"
    pick artfan_22 clips.daily pixel.hunter reposts.hq the_archive memes4u
    text $((52 * u)) $((y + 8 * u)) $((13 * u)) $ink "$R"; g="$g,$TXT"; y=$((y + 40 * u))
    rint 0 1; m=$((R * 8 * u)); mh=$((ch - y - 128 * u)); [ $mh -gt $((cw * 5 / 4)) ] && mh=$((cw * 5 / 4))
    fit "$1" "$2" $((cw - 2 * m)) $mh
    px=$(( (cw - FW) / 2 )); py=$y; y=$((y + FH + 8 * u))
    k=0; while [ $k -lt 4 ]; do box $((12 * u + 36 * u * k)) $y $((22 * u)) $((22 * u)) $ink; g="$g,$BOX"; k=$((k + 1)); done
    y=$((y + 30 * u)); caption_text; text $((12 * u)) $y $((12 * u)) $ink "$R"; g="$g,$TXT"
    y=$((y + 18 * u)); pick "#art #edit #viral" "#fyp #reupload" "#wallpaper #4k" "#fanart #repost"; text $((12 * u)) $y $((12 * u)) 0x4C8BF5 "$R"; g="$g,$TXT"
    y=$((y + 28 * u)); nh=$((ch - 48 * u))
    [ $y -lt $nh ] && { box 0 $y $cw $((nh - y)) $card; g="$g,$BOX"; }
    box 0 $nh $cw $((48 * u)) $bg; g="$g,$BOX"
    for k in 0 1 2 3 4; do box $((cw * (2 * k + 1) / 10 - 10 * u)) $((nh + 14 * u)) $((20 * u)) $((20 * u)) $ink; g="$g,$BOX"; done
    PIC="$g[ui];[pic]scale=$FW:$FH,format=rgb24[p];[ui][p]overlay=$px:$py,format=rgb24[out]"
    PARAMS="phone ${cw}x$ch picture ${FW}x$FH at y$py"
}
