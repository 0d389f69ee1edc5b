#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), one after the other, and prints per target the
# executions and the findings (crash, out-of-memory and timeout inputs, saved under
# fuzz/artifacts/TARGET/). Exits with 1 if any target found something, 2 if one could not run.
#
#   fuzz/run.sh [SECONDS] [TARGET...]        targets: project_load media_decode analyze
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Runs at the lowest
# CPU priority. Each target keeps the inputs it found in fuzz/corpus/TARGET (not committed) and
# starts from them plus the committed seeds (fuzz/seeds). A finding is an input that panics, or
# needs more than FUZZ_RSS_MB of memory (default 1024), or more than FUZZ_TIMEOUT_S seconds
# (default 10). libFuzzer runs in fork mode, so one finding does not end the run.
# Turn a finding into a regression test with fuzz/keep.sh.
set -euo pipefail
cd "$(dirname "$0")"

duration=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(project_load media_decode analyze)
export FUZZ_RSS_MB=${FUZZ_RSS_MB:-1024} # read by the targets too (src/lib.rs)
rss_mb=$FUZZ_RSS_MB
timeout_s=${FUZZ_TIMEOUT_S:-10}
# ASan adds nothing for this safe Rust (and halves the speed); overflow checks stay on.
build=(cargo +nightly fuzz build --sanitizer none)
run=(cargo +nightly fuzz run --sanitizer none)

seeds_of() { [ "$1" = project_load ] && echo seeds/project || echo seeds/media; }
max_len_of() { [ "$1" = project_load ] && echo 8192 || echo 65536; }

logs=target/logs # fuzz/target is not committed
mkdir -p "$logs"
echo "== building the fuzz targets"
nice -n 19 "${build[@]}" > "$logs/build.log" 2>&1 || { tail -30 "$logs/build.log" >&2; exit 2; }

found=0
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(mktemp)
    ls "artifacts/$t" | sort > "$before"
    echo "== $t: ${duration} s"
    start=$(date +%s)
    # libFuzzer's exit status in fork mode only says whether it stopped early; findings are
    # counted from the artifacts below.
    nice -n 19 "${run[@]}" "$t" "corpus/$t" "$(seeds_of "$t")" -- \
        -max_total_time="$duration" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
        -timeout="$timeout_s" -max_len="$(max_len_of "$t")" \
        -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        > "$logs/$t.log" 2>&1 || true
    elapsed=$(( $(date +%s) - start ))
    # Fork mode reports "#EXECS: cov: ... corp: ..." lines; the last one has the totals.
    execs=$(grep -oE '^#[0-9]+' "$logs/$t.log" | tail -1 | tr -d '#')
    cov=$(grep -oE 'cov: [0-9]+' "$logs/$t.log" | tail -1 | cut -d' ' -f2)
    new=$(ls "artifacts/$t" | sort | comm -13 "$before" -)
    rm -f "$before"
    crashes=$(grep -c '^crash-' <<< "$new" || true)
    ooms=$(grep -c '^oom-' <<< "$new" || true)
    timeouts=$(grep -c '^timeout-' <<< "$new" || true)
    if [ -z "$execs" ]; then
        echo "$t did not run; its log:" >&2
        tail -20 "$logs/$t.log" >&2
        exit 2
    fi
    summary+=("$(printf '%-13s %6s s %12s execs %6s edges  crashes %s  ooms %s  timeouts %s' \
        "$t" "$elapsed" "$execs" "${cov:-?}" "$crashes" "$ooms" "$timeouts")")
    for f in $new; do
        echo "   finding: fuzz/artifacts/$t/$f"
        found=1
    done
done
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
[ "$found" = 0 ] || { echo "findings above: make each a regression test (fuzz/keep.sh)"; exit 1; }
