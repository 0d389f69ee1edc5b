#!/usr/bin/env bash
# Turns a fuzzing finding into a regression input for `cargo test` (tests/fuzz_regressions.rs):
# minimises a crash input (libFuzzer's -minimize_crash), then writes it to tests/fixtures/fuzz/ as the file
# it stands for: NAME.stemmix for project_load, NAME.EXT for the media targets (the "EXT\n"
# line in front of a media input becomes the file's extension; see src/lib.rs).
#
#   fuzz/keep.sh TARGET ARTIFACT NAME
#
# Then list NAME in tests/fuzz_regressions.rs with the outcome it must have, and fix the bug.
set -euo pipefail
[ $# -eq 3 ] || { sed -n 2,9p "$0" >&2; exit 2; }
target=$1 artifact=$2 name=$3
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../tests/fixtures/fuzz"
mkdir -p "$out"
input=$artifact
if [[ "$(basename "$artifact")" == crash-* ]]; then
    # Minimised with the binary that found it (no rebuild, which a running campaign would pick
    # up), for at most 30 s.
    binary="$here/target/x86_64-unknown-linux-gnu/release/$target"
    minimized=$(mktemp)
    FUZZ_RSS_MB=${FUZZ_RSS_MB:-1024} nice -n 19 "$binary" -minimize_crash=1 -max_total_time=30 \
        -exact_artifact_path="$minimized" "$artifact" > "$here/target/tmin.log" 2>&1 || true
    [ -s "$minimized" ] && input=$minimized
fi
if [ "$target" = project_load ]; then
    cp "$input" "$out/$name.stemmix"
    chmod 644 "$out/$name.stemmix"
    echo "$out/$name.stemmix"
    exit 0
fi
# The extension line, when the input has one (1-8 ASCII letters or digits, then a newline).
first=$(head -c 9 "$input" | tr '\0' '\1' | head -n 1)
if [ -n "$first" ] && [ "${#first}" -le 8 ] && [[ "$first" =~ ^[A-Za-z0-9]+$ ]] \
    && [ "$(head -c $(( ${#first} + 1 )) "$input" | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ]; then
    dest="$out/$name.$first"
    tail -c +$(( ${#first} + 2 )) "$input" > "$dest"
else
    dest="$out/$name"
    cp "$input" "$dest"
fi
chmod 644 "$dest"
echo "$dest"
