#!/usr/bin/env bash
# Sessions of any length (issue 16, item 5): N stereo 24-bit 48 kHz WAV stems of M minutes
# (default 64 × 5, about 5.5 GB of WAV and 7.4 GB of cache), then:
#   1. `cargo bench --bench scale`: the window's stem library opening them, cold cache and warm
#      (time until every strip is playable), and a seek storm from the warm cache (major page
#      faults on the callback thread, deadline misses, resident memory; see benches/scale.rs);
#   2. `stemmix bounce` under /usr/bin/time -v, cold cache (decoded as part of the run) and
#      warm: peak resident memory, CPU and wall time;
#   3. the window under Xvfb opening the project (warm cache) and playing it: its resident
#      memory while playing (VmRSS sampled every 0.5 s, and VmHWM).
#
#   cargo build --release && benches/scale.sh [TRACKS] [MINUTES]
#
# Material and caches go to $WORK (default /tmp/stemmix-scale; the stems are reused when
# present). Needs sox, GNU time, and for part 3 xvfb-run, xdotool and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-64}
MIN=${2:-5}
BIN="${CARGO_TARGET_DIR:-target}/release/stemmix"
WORK=${WORK:-/tmp/stemmix-scale}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v sox >/dev/null || { echo "sox is needed to make the stems" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 2; }

STEMS="$WORK/stems-${N}x${MIN}m"
mkdir -p "$STEMS"
secs=$((MIN * 60))
for i in $(seq -w 1 "$N"); do
    f="$STEMS/t$i.wav"
    [ -f "$f" ] || sox -R -n -r 48000 -b 24 -c 2 "$f" synth "$secs" pinknoise vol 0.3
done
PROJECT="$WORK/p-${N}x${MIN}m.stemmix"
"$BIN" new "$PROJECT" "$STEMS" --force >/dev/null
echo "== $N tracks x $MIN min ($(du -sh "$STEMS" | cut -f1) of WAV), $BIN"

echo "== 1. open and seek storm (cargo bench --bench scale)"
STEMMIX_SCALE_PROJECT="$PROJECT" STEMMIX_SCALE_CACHE="$WORK/cache-bench" \
    cargo bench --locked --bench scale 2>/dev/null | grep -v "^$"

echo "== 2. stemmix bounce"
bounce() {
    label=$1
    shift
    /usr/bin/time -v env "$@" "$BIN" bounce "$PROJECT" -o "$WORK/mix-$label.wav" --force \
        >/dev/null 2>"$WORK/time-$label.txt" || { cat "$WORK/time-$label.txt" >&2; exit 1; }
    awk -v label="$label" -F': ' '
        /Maximum resident set size/ { rss = $2 / 1024 }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Elapsed \(wall clock\)/ { wall = $2 }
        /Major \(requiring I\/O\) page faults/ { maj = $2 }
        END { printf "%-5s peak %6.1f MB  cpu %6.2f s (user %.2f, sys %.2f)  wall %s  major faults %s\n",
              label, rss, user + sys, user, sys, wall, maj }
    ' "$WORK/time-$label.txt"
}
rm -rf "$WORK/cache-bounce"
bounce cold STEMMIX_CACHE_DIR="$WORK/cache-bounce"
bounce warm STEMMIX_CACHE_DIR="$WORK/cache-bounce"
cmp -s "$WORK/mix-cold.wav" "$WORK/mix-warm.wav" && echo "cold and warm bounces are byte-identical" \
    || { echo "the bounces differ" >&2; exit 1; }

echo "== 3. the window playing (warm cache)"
for t in xvfb-run xdotool import convert; do
    command -v "$t" >/dev/null || { echo "skipped: needs $t"; exit 0; }
done
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT
export BIN PROJECT HOME_DIR CACHE="$WORK/cache-bounce"
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
    set -u
    STEMMIX_HOME="$HOME_DIR" STEMMIX_CACHE_DIR="$CACHE" "$BIN" "$PROJECT" >"$HOME_DIR/app.log" 2>&1 &
    pid=$!
    shot="$HOME_DIR/shot.png"
    while :; do
        sleep 0.1
        kill -0 $pid 2>/dev/null || { echo "the app exited"; cat "$HOME_DIR/app.log"; exit 3; }
        import -window root "$shot" 2>/dev/null || continue
        [ "$(convert "$shot" -format %k info: 2>/dev/null || echo 0)" -gt 500 ] && break
    done
    sleep 3
    rss() { awk "/^$1:/ { printf \"%.0f\", \$2 / 1024 }" /proc/$pid/status; }
    echo "drawn and opened: resident $(rss VmRSS) MB"
    win=$(xdotool search --onlyvisible --name stemmix | head -1)
    xdotool windowfocus --sync "$win" 2>/dev/null || true
    xdotool mousemove --window "$win" 700 890 click 1
    sleep 0.5
    xdotool key shift
    sleep 0.5
    xdotool key l
    sleep 0.3
    xdotool key space
    most=0
    for _ in $(seq 40); do
        sleep 0.5
        r=$(rss VmRSS)
        [ "$r" -gt "$most" ] && most=$r
    done
    echo "playing 20 s: resident at most $most MB (sampled every 0.5 s), peak ever $(rss VmHWM) MB"
    kill $pid
'
