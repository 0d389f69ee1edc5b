#!/bin/sh
# Peak resident memory and CPU time of `stemmix bounce`, cold and warm stem cache (issue 16).
#
#   benches/bounce-memory.sh [STEMMIX_BINARY] [TRACKS] [SECONDS]
#
# Generates TRACKS stereo 24-bit 48 kHz pink-noise WAVs of SECONDS (default 32 × 60) with sox
# into $WORK (default /tmp/stemmix-bounce-memory; reused when present), makes a project with
# `stemmix new`, then bounces it three times under /usr/bin/time -v: without the cache
# (STEMMIX_CACHE_DIR set empty: every stem decoded into memory), with an empty cache (cold: the
# stems are decoded into it as part of the run) and again (warm). Prints one line per run.
set -eu
BIN=${1:-target/release/stemmix}
N=${2:-32}
SECS=${3:-60}
WORK=${WORK:-/tmp/stemmix-bounce-memory}
command -v sox >/dev/null || { echo "sox is needed to make the stems" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 1; }
STEMS="$WORK/stems-${N}x${SECS}"
mkdir -p "$STEMS"
i=1
while [ "$i" -le "$N" ]; do
    f=$(printf '%s/t%02d.wav' "$STEMS" "$i")
    [ -f "$f" ] || sox -R -n -r 48000 -b 24 -c 2 "$f" synth "$SECS" pinknoise vol 0.3
    i=$((i + 1))
done
PROJECT="$WORK/p-${N}x${SECS}.stemmix"
"$BIN" new "$PROJECT" "$STEMS" --force >/dev/null
CACHE="$WORK/cache"

run() {
    label=$1
    shift
    /usr/bin/time -v "$@" "$BIN" bounce "$PROJECT" -o "$WORK/mix-$label.wav" --force \
        >/dev/null 2>"$WORK/time-$label.txt" || { cat "$WORK/time-$label.txt" >&2; exit 1; }
    awk -v label="$label" -F': ' '
        /Maximum resident set size/ { rss = $2 / 1024 }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Elapsed \(wall clock\)/ { wall = $2 }
        END { printf "%-9s peak %6.1f MB  user %6.2f s  sys %5.2f s  wall %s\n", label, rss, user, sys, wall }
    ' "$WORK/time-$label.txt"
}

echo "$N tracks x $SECS s, $BIN"
run no-cache env STEMMIX_CACHE_DIR=
rm -rf "$CACHE"
run cold env STEMMIX_CACHE_DIR="$CACHE"
run warm env STEMMIX_CACHE_DIR="$CACHE"
cmp -s "$WORK/mix-no-cache.wav" "$WORK/mix-cold.wav" && cmp -s "$WORK/mix-cold.wav" "$WORK/mix-warm.wav" \
    && echo "the three bounces are byte-identical" || { echo "the bounces differ" >&2; exit 1; }
