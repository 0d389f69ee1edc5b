#!/usr/bin/env bash
# GUI cost under Xvfb with the renderer a user gets by default (the window picks tiny-skia when
# there is no GPU; ICED_BACKEND=wgpu or tiny-skia in the environment forces one): start-up time
# to a drawn window, then the GUI process's CPU use while idle, while playing the example
# project, after stopping, and idle with the keyboard in a text field (its caret blinking).
#
#   cargo build --release && benches/gui-cpu.sh [SECONDS]
#
# The text field is the selected track's name in the editor, clicked at FOCUS_AT (default
# "1220 405", where it is on the 1600×1000 screen used here).
#
# Needs xvfb-run, xdotool and ImageMagick. CPU is read from /proc/PID/stat (utime + stime of
# every thread of the process, the audio clock included) over SECONDS (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-8}"
BIN="${CARGO_TARGET_DIR:-target}/release/stemmix"
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
for t in xvfb-run xdotool import convert; do
    command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT
export BIN SECS HOME_DIR
export PROJECT="$PWD/projects-examples/demo/demo.stemmix"

xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
    set -u
    ticks() { awk "{print \$14 + \$15}" /proc/$1/stat; }
    hz=$(getconf CLK_TCK)
    shot="$HOME_DIR/shot.png"
    start=$(date +%s%N)
    STEMMIX_HOME="$HOME_DIR" STEMMIX_FRAME_STATS=1 "$BIN" "$PROJECT" >"$HOME_DIR/app.log" 2>&1 &
    pid=$!
    while :; do
        sleep 0.05
        kill -0 $pid 2>/dev/null || { echo "the app exited"; cat "$HOME_DIR/app.log"; exit 3; }
        import -window root "$shot" 2>/dev/null || continue
        [ "$(convert "$shot" -format %k info: 2>/dev/null || echo 0)" -gt 500 ] && break
    done
    end=$(date +%s%N)
    echo "start-up to a drawn window: $(( (end - start) / 1000000 )) ms (screenshot polling adds up to ~100 ms)"
    sleep 2
    measure() {
        local a b
        a=$(ticks $pid); sleep "$SECS"; b=$(ticks $pid)
        awk -v d=$((b - a)) -v hz=$hz -v s="$SECS" "BEGIN { printf \"%.1f%% of one core\", 100 * d / hz / s }"
    }
    echo "idle (stopped):  $(measure)"
    win=$(xdotool search --onlyvisible --name stemmix | head -1)
    xdotool windowfocus --sync "$win" 2>/dev/null || true
    # A click on the status line makes sure the window has keyboard focus.
    xdotool mousemove --window "$win" 700 890 click 1
    sleep 0.5
    # The first synthetic key after start-up can be lost (keymap refresh): send a harmless one.
    xdotool key shift
    sleep 0.5
    # L: loop on, so playback lasts the whole measurement; Space: play.
    xdotool key l
    sleep 0.3
    xdotool key space
    sleep 1
    echo "playing:         $(measure)"
    # OUT_SHOT=path.png keeps a screenshot of the window while playing.
    [ -n "${OUT_SHOT:-}" ] && import -window "$win" "$OUT_SHOT" 2>/dev/null
    xdotool key space
    sleep 3
    echo "idle after stop: $(measure)"
    # The track name box: a click puts the caret in it.
    xdotool mousemove --window "$win" ${FOCUS_AT:-1220 405} click 1
    sleep 1
    echo "text field focused (caret blinking): $(measure)"
    [ -n "${OUT_SHOT:-}" ] && import -window "$win" "${OUT_SHOT%.png}-focus.png" 2>/dev/null
    kill $pid
    grep "^renderer:" "$HOME_DIR/app.log" || echo "renderer: not reported by this build"
    echo "display ticks while playing (from the app):"
    grep "^frames:" "$HOME_DIR/app.log" | sed "s/^/    /"
'
