#!/usr/bin/env bash
# Screenshots of the real window under Xvfb with the software renderer, playing the example
# project, at the given screen sizes (default 1280x720 and 1920x1080):
#
#   cargo build && tools/screenshots.sh [OUT_DIR] [WxH ...]
#
# Each shot is OUT_DIR/window-WxH.png (default OUT_DIR: target/screenshots). The app starts
# with a fresh settings folder, so the window fills the screen, as on a first start. The
# README's are made with `tools/screenshots.sh assets 1280x720 1920x1080 1440x900`, then
# renamed to assets/screenshot-WxH.png (1440x900: assets/screenshot.png).
# KEYS="ctrl+b" shows the bounce dialog instead of playing: assets/screenshot-bounce.png is
# `KEYS=ctrl+b PLAY_SECONDS=2 tools/screenshots.sh OUT 1440x900`.
# With EQ_VIEW=1 the shot shows the large EQ view of the second track (→, then E) and is named
# OUT_DIR/window-WxH-eq.png (the README's assets/screenshot-eq.png is the 1440x900 one).
# Needs xvfb-run, xdotool and ImageMagick. BIN overrides the binary (default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/screenshots}"
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1280x720 1920x1080)
BIN="${BIN:-${CARGO_TARGET_DIR:-target}/debug/stemmix}"
[ -x "$BIN" ] || { echo "build first: cargo build" >&2; exit 2; }
for t in xvfb-run xdotool import convert; do
    command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
NAME_SUFFIX="${EQ_VIEW:+-eq}"
export BIN OUT NAME_SUFFIX
export PROJECT="$PWD/projects-examples/demo/demo.stemmix"
for size in "${SIZES[@]}"; do
    HOME_DIR="$(mktemp -d)"
    export HOME_DIR SIZE="$size"
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
        # Let the window fit itself to the screen and the stems decode.
        sleep 4
        win=$(xdotool search --onlyvisible --name stemmix | head -1)
        xdotool windowfocus --sync "$win" 2>/dev/null || true
        # A click on the status line makes sure the window has the keyboard.
        xdotool mousemove 300 $(( ${SIZE#*x} - 8 )) click 1
        sleep 0.5
        # The first synthetic key after start-up can be lost (keymap refresh): a harmless one.
        xdotool key shift
        sleep 0.8
        # KEYS: what to press before the shot (default: play); e.g. ctrl+b for the bounce dialog.
        xdotool key ${KEYS:-space}
        if [ -n "${EQ_VIEW:-}" ]; then
            sleep 0.5
            xdotool key Right
            sleep 0.3
            xdotool key e
        fi
        sleep "${PLAY_SECONDS:-5.5}"
        import -window root "$OUT/window-$SIZE$NAME_SUFFIX.png"
        kill $pid
        wait $pid 2>/dev/null
        grep -i "panicked" "$HOME_DIR/app.log" && exit 4
        exit 0
    '
    rm -rf "$HOME_DIR"
    echo "$OUT/window-$size$NAME_SUFFIX.png"
done
