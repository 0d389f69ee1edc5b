#!/usr/bin/env bash
# Screenshots of the reference panel under Xvfb with the software renderer: the example project
# with the shared reference ($STEMMIX_TESTDATA or ../shared/testdata: reference/reference.flac,
# or REFERENCE=path)
# added, the panel shown (R), the mix measured in the background, then playing with the
# reference heard (Tab), at the given screen sizes (default 1280x720 and 1920x1080):
#
#   cargo build && tools/screenshots-reference.sh [OUT_DIR] [WxH ...]
#
# Each shot is OUT_DIR/reference-WxH.png (default OUT_DIR: target/screenshots). MEASURE_SECONDS
# (default 40: a debug build renders the demo slowly) is the wait for the mix's measurement.
# CLICKS (see below) takes more shots of a narrow panel's sections.
# Needs xvfb-run, xdotool and ImageMagick. BIN overrides the binary (default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/screenshots}"
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1280x720 1920x1080)
BIN="${BIN:-${CARGO_TARGET_DIR:-target}/debug/stemmix}"
REFERENCE="${REFERENCE:-${STEMMIX_TESTDATA:-$PWD/../shared/testdata}/reference/reference.flac}"
[ -x "$BIN" ] || { echo "build first: cargo build" >&2; exit 2; }
[ -f "$REFERENCE" ] || { echo "no reference at $REFERENCE (set REFERENCE)" >&2; exit 2; }
for t in xvfb-run xdotool import convert; do
    command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
REFERENCE="$(cd "$(dirname "$REFERENCE")" && pwd)/$(basename "$REFERENCE")"
export BIN OUT
for size in "${SIZES[@]}"; do
    HOME_DIR="$(mktemp -d)"
    # A copy of the example project with the reference in its list.
    cp -r projects-examples/demo "$HOME_DIR/demo"
    sed -i "s|^    loop_region:|    references: [(path: \"$REFERENCE\")],\n    loop_region:|" \
        "$HOME_DIR/demo/demo.stemmix"
    export PROJECT="$HOME_DIR/demo/demo.stemmix"
    export HOME_DIR SIZE="$size" CLICKS="${CLICKS:-}"
    xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
        set -u
        shot="$HOME_DIR/shot.png"
        STEMMIX_HOME="$HOME_DIR" ICED_BACKEND=tiny-skia "$BIN" "$PROJECT" >"$HOME_DIR/app.log" 2>&1 &
        pid=$!
        for _ in $(seq 1 400); do
            sleep 0.1
            kill -0 $pid 2>/dev/null || { echo "the app exited"; cat "$HOME_DIR/app.log"; exit 3; }
            import -window root "$shot" 2>/dev/null || continue
            [ "$(convert "$shot" -format %k info: 2>/dev/null || echo 0)" -gt 500 ] && break
        done
        sleep 4
        win=$(xdotool search --onlyvisible --name stemmix | head -1)
        xdotool windowfocus --sync "$win" 2>/dev/null || true
        xdotool mousemove 300 $(( ${SIZE#*x} - 8 )) click 1
        sleep 0.5
        xdotool key shift
        sleep 0.8
        xdotool key r
        sleep "${MEASURE_SECONDS:-40}"
        xdotool key space
        sleep 2
        xdotool key Tab
        sleep "${PLAY_SECONDS:-4}"
        import -window root "$OUT/reference-$SIZE.png"
        # A narrow panel shows one section at a time: CLICKS="name:x,y ..." clicks each
        # section tab and takes reference-WxH-name.png.
        for c in ${CLICKS:-}; do
            name=${c%%:*}; xy=${c#*:}
            # The first click after a keyboard-only stretch can be taken as focus: click twice.
            xdotool mousemove ${xy%,*} ${xy#*,}
            sleep 0.3
            xdotool click 1
            sleep 0.5
            xdotool click 1
            sleep 1
            import -window root "$OUT/reference-$SIZE-$name.png"
        done
        kill $pid
        wait $pid 2>/dev/null
        grep -i "panicked" "$HOME_DIR/app.log" && exit 4
        exit 0
    '
    rm -rf "$HOME_DIR"
    echo "$OUT/reference-$size.png"
done
