#!/usr/bin/env bash
# The same mixing chain in ecasound, sox and stemmix: CPU time, wall time and peak memory of
# the whole process, from WAV stems on disk to a mixed 24-bit WAV (issue 16's comparison table).
#
#   cargo build --release && benches/chain-compare.sh [N ...]      (default: 8 32 64)
#
# Environment: STEMS_DIR (where the stems are made and kept; default $TMPDIR/stemmix-chain-compare,
# stems already there are reused), RUNS (default 3: the median of RUNS runs is reported, the tools
# taking turns within each round), SECS (stem length, default 60), BIN (default
# target/release/stemmix). Needs ecasound, swh-plugins (LADSPA), sox and GNU time (/usr/bin/time;
# Debian packages ecasound, swh-plugins, sox, time).
#
# Material: N stereo 24-bit 48 kHz WAV stems of SECS seconds, each pink, white or brown noise
# band-limited to its own band plus a sine at its own frequency, peak-normalised to −3 dBFS (so
# the compressor works), written with a plain WAVE_FORMAT_PCM header (`-t wavpcm`: ecasound's own
# WAV reader refuses the extensible header sox writes by default).
#
# The chain, per track, in the order of stemmix's channel strip, then on the sum:
#
#   stage            stemmix (.stemmix RON)          ecasound (LADSPA swh-plugins)   sox
#   EQ band 1        low shelf 100 Hz +2 dB          singlePara +2 dB 100 Hz 1.9 oct equalizer 100 0.7q +2
#   EQ band 2        peak1 1 kHz −3 dB Q 1.4         singlePara −3 dB 1 kHz 1.0 oct  equalizer 1000 1.4q −3
#   EQ band 3        peak2 5 kHz +2 dB Q 0.7         singlePara +2 dB 5 kHz 1.9 oct  equalizer 5000 0.7q +2
#   compressor       2:1 above −20 dB, 6 dB knee,    sc4 (stereo-linked), peak,      compand 0.01,0.1
#                    peak, 10 ms / 100 ms, linked    2:1, −20 dB, knee 6 dB          6:-90,-90,-20,-20,0,-10
#   gain             fader G dB                      -eadb:G                         gain G
#   pan              balance law, p                  -epp (balance)                  remix 1vL 2vR (balance)
#   sum              the mix bus                     loop device, -z:mixmode,sum     sox -m -v 1 … (unity)
#   reverb           send 0 dB post-fader from every dry sum + a wet chain:          reverb 50 50 100 100 0 -10
#                    track into the bus (= the sum), -chmix:1 (mono) into gverb      (freeverb per channel,
#                    decay 2 s, return −10 dB        (2 s, tail −10 dB, dry off)     dry kept, wet −10 dB)
#   master           limiter off, 24-bit TPDF        24-bit (no dither)              24-bit (sox dithers)
#
# G = −3 dB − 10·log10(N) so the sum of N uncorrelated stems does not clip; pan runs from −0.6 to
# +0.6 across the tracks. Each tool runs three biquads per channel per track (stemmix's first band is
# a shelf because its strip has only two bells; a shelf costs the same biquad). The reverbs differ
# by design in each tool (stemmix: its stereo bus reverb; ecasound: GVerb, mono in, the only swh
# reverb with a dry-off wet output; sox: freeverb on both channels), but each runs once, on the sum.
# The output length is the input length in all three (`stemmix bounce --tail 0`).
#
# stemmix is run twice per round with STEMMIX_CACHE_DIR (and XDG_CACHE_HOME) pointing to a folder
# emptied before the first run. If stemmix put anything there, the rows are labelled cold cache and
# warm cache; if not (no stem cache in this build), run 1 and run 2.
#
# CPU s is user + system time of the process and the children it waited for (sox's per-track
# pipes included), wall s is elapsed time, peak MB is the largest resident set of one process of the
# run (for sox: the largest of its N+1 processes, not their sum). The stems are read once before
# timing, so every tool reads them from the page cache. On a shared machine trust CPU s more than
# wall s.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(8 32 64)
RUNS="${RUNS:-3}"
SECS="${SECS:-60}"
RATE=48000
BIN="${BIN:-${CARGO_TARGET_DIR:-target}/release/stemmix}"
STEMS_DIR="${STEMS_DIR:-${TMPDIR:-/tmp}/stemmix-chain-compare}"
TIME=/usr/bin/time

for t in ecasound sox soxi awk; do
    command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
[ -x "$TIME" ] || { echo "needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "build first: cargo build --release ($BIN missing)" >&2; exit 2; }
ls /usr/lib/ladspa/single_para_1203.so /usr/lib/ladspa/sc4_1882.so /usr/lib/ladspa/gverb_1216.so \
    >/dev/null 2>&1 || { echo "needs the swh-plugins LADSPA plugins in /usr/lib/ladspa" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

mkdir -p "$STEMS_DIR"
STEMS_DIR="$(cd "$STEMS_DIR" && pwd)"
case "$STEMS_DIR" in *[[:space:]]*) echo "STEMS_DIR must not contain spaces" >&2; exit 2 ;; esac
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Q of a bell → bandwidth in octaves (what singlePara takes): BW = 2/ln 2 · asinh(1/(2Q)).
oct() { awk -v q="$1" 'BEGIN { x = 1 / (2 * q); printf "%.4f", 2 / log(2) * log(x + sqrt(x * x + 1)) }'; }
BW1=$(oct 0.7)
BW2=$(oct 1.4)
BW3=$(oct 0.7)

stem() { printf '%s/t%03d.wav' "$STEMS_DIR" "$1"; }

# Makes stems 1..$1 that are missing (or of the wrong length).
make_stems() {
    local n=$1 i f noise lo hi tone made=0
    local noises=(pinknoise whitenoise brownnoise)
    for ((i = 1; i <= n; i++)); do
        f="$(stem "$i")"
        if [ -f "$f" ] && [ "$(soxi -s "$f" 2>/dev/null)" = "$((SECS * RATE))" ] \
            && [ "$(soxi -b "$f" 2>/dev/null)" = 24 ]; then
            continue
        fi
        noise=${noises[$((i % 3))]}
        lo=$((40 + (i * 37) % 400))
        hi=$((4000 + (i * 1319) % 14000))
        tone=$((110 + i * 23))
        sox -n -r "$RATE" -b 24 -c 2 -t wavpcm "$f.part" \
            synth "$SECS" "$noise" "$noise" synth "$SECS" sine mix "$tone" sine mix "$((tone + 3))" \
            highpass "$lo" lowpass "$hi" gain -n -3
        mv "$f.part" "$f"
        made=$((made + 1))
    done
    [ "$made" -eq 0 ] || echo "made $made stem(s) in $STEMS_DIR" >&2
}

gain_db() { awk -v n="$1" 'BEGIN { printf "%.2f", -3 - 10 * log(n) / log(10) }'; }
pan_of() { awk -v i="$1" -v n="$2" 'BEGIN { printf "%.3f", (n > 1 ? -0.6 + 1.2 * (i - 1) / (n - 1) : 0) }'; }

# The stemmix project for N tracks.
write_project() {
    local n=$1 out=$2 g i
    g=$(gain_db "$n")
    {
        echo "// chain-compare.sh: $n tracks (see the script's header for the chain)"
        echo "("
        echo "    version: 2,"
        echo "    sample_rate: $RATE,"
        echo "    tracks: ["
        for ((i = 1; i <= n; i++)); do
            cat <<EOF
        (
            name: "t$(printf %03d "$i")",
            source: "$(stem "$i")",
            gain_db: $g,
            pan: $(pan_of "$i" "$n"),
            eq: (
                low_shelf: (enabled: true, freq_hz: 100.0, gain_db: 2.0),
                peak1: (enabled: true, freq_hz: 1000.0, gain_db: -3.0, q: 1.4),
                peak2: (enabled: true, freq_hz: 5000.0, gain_db: 2.0, q: 0.7),
            ),
            compressor: (enabled: true, threshold_db: -20.0, ratio: 2.0, attack_ms: 10.0, release_ms: 100.0, knee_db: 6.0, makeup_db: 0.0, detector: Peak),
            reverb_send_db: 0.0,
        ),
EOF
        done
        echo "    ],"
        echo "    reverb: (pre_delay_ms: 0.0, decay_s: 2.0, return_db: -10.0),"
        echo "    master: (gain_db: 0.0, limiter: (enabled: false)),"
        echo ")"
    } >"$out"
}

# ecasound's argument list for N tracks, one per line (paths have no spaces).
ecasound_args() {
    local n=$1 out=$2 g i p chains=""
    g=$(gain_db "$n")
    echo "-q"
    echo "-z:mixmode,sum"
    for ((i = 1; i <= n; i++)); do
        p=$(awk -v p="$(pan_of "$i" "$n")" 'BEGIN { printf "%.2f", 50 + 50 * p }')
        printf '%s\n' "-a:t$i" "-i" "$(stem "$i")" \
            "-el:singlePara,2,100,$BW1" "-el:singlePara,-3,1000,$BW2" "-el:singlePara,2,5000,$BW3" \
            "-el:sc4,1,10,100,-20,2,6,0" "-eadb:$g" "-epp:$p"
        chains="${chains:+$chains,}t$i"
    done
    printf '%s\n' "-a:$chains" "-o" "loop,sum" \
        "-a:dry,wet" "-i" "loop,sum" \
        "-a:wet" "-chmix:1" "-el:gverb,30,2,0.5,0.75,-90,-90,-10" \
        "-a:dry,wet" "-f:s24_le,2,$RATE" "-o" "$out"
}

# The sox command line for N tracks (a shell string: sox runs each input pipe with sh).
sox_cmd() {
    local n=$1 out=$2 g i p l r cmd="sox -m"
    g=$(gain_db "$n")
    for ((i = 1; i <= n; i++)); do
        p=$(pan_of "$i" "$n")
        l=$(awk -v p="$p" 'BEGIN { printf "%.4f", (p > 0 ? 1 - p : 1) }')
        r=$(awk -v p="$p" 'BEGIN { printf "%.4f", (p < 0 ? 1 + p : 1) }')
        cmd+=" -v 1 \"|sox $(stem "$i") -p equalizer 100 0.7q +2 equalizer 1000 1.4q -3"
        cmd+=" equalizer 5000 0.7q +2 compand 0.01,0.1 6:-90,-90,-20,-20,0,-10 0 -90 0"
        cmd+=" gain $g remix 1v$l 2v$r\""
    done
    echo "$cmd -b 24 $out reverb 50 50 100 100 0 -10"
}

# Runs a command under GNU time; appends "cpu wall mb" to the file $1.
timed() {
    local rec=$1 tf="$WORK/time"
    shift
    if ! "$TIME" -f "%U %S %e %M" -o "$tf" "$@" >"$WORK/log" 2>&1; then
        echo "failed: $*" >&2
        tail -20 "$WORK/log" >&2
        exit 1
    fi
    awk '{ printf "%.2f %.2f %.1f\n", $1 + $2, $3, $4 / 1024 }' "$tf" >>"$rec"
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
col() { awk -v c="$1" '{ print $c }' "$2"; }

table_rows=()
checks=()
for n in "${NS[@]}"; do
    make_stems "$n"
    for ((i = 1; i <= n; i++)); do cat "$(stem "$i")"; done >/dev/null
    d="$WORK/n$n"
    mkdir -p "$d"
    write_project "$n" "$d/mix.stemmix"
    mapfile -t eca < <(ecasound_args "$n" "$d/eca.wav")
    soxc=$(sox_cmd "$n" "$d/sox.wav")
    cache="$WORK/cache"
    cached=no
    for ((run = 1; run <= RUNS; run++)); do
        echo "N=$n round $run/$RUNS" >&2
        rm -f "$d/eca.wav"
        timed "$d/rec.eca" ecasound "${eca[@]}"
        timed "$d/rec.sox" bash -c "$soxc"
        rm -rf "$cache"
        mkdir -p "$cache/xdg"
        for k in 1 2; do
            STEMMIX_CACHE_DIR="$cache" XDG_CACHE_HOME="$cache/xdg" \
                timed "$d/rec.st$k" "$BIN" bounce "$d/mix.stemmix" -o "$d/st.wav" --tail 0 --force
        done
        [ -n "$(find "$cache" -type f -print -quit)" ] && cached=yes
    done
    if [ "$cached" = yes ]; then
        l1="stemmix, cold cache"
        l2="stemmix, warm cache"
    else
        l1="stemmix run 1"
        l2="stemmix run 2"
    fi
    eca_cpu=$(col 1 "$d/rec.eca" | median)
    for t in eca:ecasound sox:sox st1:"$l1" st2:"$l2"; do
        rec="$d/rec.${t%%:*}"
        cpu=$(col 1 "$rec" | median)
        table_rows+=("| $n | ${t#*:} | $cpu | $(col 2 "$rec" | median) | $(col 3 "$rec" | median) | $(awk -v e="$eca_cpu" -v c="$cpu" 'BEGIN { printf "%.1f×", (c > 0 ? e / c : 0) }') |")
    done
    for f in eca sox st; do
        checks+=("N=$n $f: $(soxi -d "$d/$f.wav") $(soxi -b "$d/$f.wav")-bit, RMS $(sox "$d/$f.wav" -n stats 2>&1 | awk '/RMS lev dB/ { print $4 }') dBFS, peak $(sox "$d/$f.wav" -n stats 2>&1 | awk '/Pk lev dB/ { print $4 }') dBFS")
    done
done

echo
echo "Median of $RUNS runs; $SECS-s stereo 24-bit stems at $RATE Hz; $(nproc) cores; $(date -u +%Y-%m-%d)."
echo
echo "| N | tool | CPU s (user+sys) | wall s | peak RSS MB | ecasound CPU ÷ this |"
echo "|---:|---|---:|---:|---:|---:|"
printf '%s\n' "${table_rows[@]}"
echo
echo "Outputs (sanity check, last run):"
printf '    %s\n' "${checks[@]}"
