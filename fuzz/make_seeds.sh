#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into fuzz/seeds/ (committed; re-run only to change
# them). Needs ffmpeg (libmp3lame, libvorbis, libopus), sox and lame.
#
#   seeds/media/    one short file of every format stemmix reads (and a few it rejects), each
#                   prefixed with "EXT\n", which the targets read as the file's extension (its
#                   format hint, see src/lib.rs); used by media_decode and analyze.
#   seeds/project/  hand-written projects: the example, every section, and the v1 schema.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=seeds/media
rm -rf "$out"
mkdir -p "$out" seeds/project

ff() { ffmpeg -hide_banner -loglevel error -y "${@:1:$#-1}" -fflags +bitexact -flags:a +bitexact "${@: -1}"; }
# A short two-tone stereo signal; lossy seeds get 0.1 s so they hold a few packets.
SRC=(-f lavfi -i "aevalsrc=exprs='0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t)':s=44100:d=0.1")
SHORT=(-t 0.02)

seed() { # name ext file: writes seeds/media/NAME with the extension line in front
    { printf '%s\n' "$2"; cat "$3"; } > "$out/$1"
}

for c in pcm_u8 pcm_s16le pcm_s24le pcm_s32le pcm_f32le pcm_f64le; do
    ff "${SRC[@]}" "${SHORT[@]}" -c:a "$c" "$tmp/$c.wav"
    seed "wav_$c" wav "$tmp/$c.wav"
done
ff "${SRC[@]}" "${SHORT[@]}" -ac 1 -ar 8000 -c:a pcm_s16le "$tmp/mono8k.wav"
seed wav_mono_8k wav "$tmp/mono8k.wav"
ff "${SRC[@]}" "${SHORT[@]}" -ar 192000 -c:a pcm_s24le "$tmp/hi.wav"
seed wav_192k wav "$tmp/hi.wav"
ff "${SRC[@]}" -t 0.005 -filter_complex "[0:a]pan=5.1|c0=c0|c1=c1|c2=c0|c3=c1|c4=c0|c5=c1[o]" \
   -map "[o]" -c:a pcm_s16le "$tmp/six.wav"
seed wav_5_1 wav "$tmp/six.wav"
sox -n -r 44100 -c 2 -b 16 "$tmp/sox.wav" synth 0.02 sine 440 # WAVE_FORMAT_PCM, sox's header
seed wav_sox wav "$tmp/sox.wav"
ff "${SRC[@]}" "${SHORT[@]}" -c:a pcm_s16le -f wav - | cat > "$tmp/streamed.wav" # sizes 0xFFFFFFFF
seed wav_streamed wav "$tmp/streamed.wav"

ff "${SRC[@]}" "${SHORT[@]}" -c:a pcm_s16be "$tmp/a.aiff"; seed aiff aiff "$tmp/a.aiff"
ff "${SRC[@]}" "${SHORT[@]}" -c:a pcm_s24be "$tmp/a.caf"; seed caf caf "$tmp/a.caf"
ff "${SRC[@]}" "${SHORT[@]}" -c:a flac "$tmp/a.flac"; seed flac flac "$tmp/a.flac"
ff "${SRC[@]}" "${SHORT[@]}" -c:a alac "$tmp/alac.m4a"; seed m4a_alac m4a "$tmp/alac.m4a"

ff "${SRC[@]}" -c:a libmp3lame -b:a 64k "$tmp/cbr.mp3"; seed mp3_cbr mp3 "$tmp/cbr.mp3"
ff "${SRC[@]}" -c:a pcm_s16le "$tmp/lame_in.wav"
lame --quiet -V6 "$tmp/lame_in.wav" "$tmp/vbr.mp3"; seed mp3_vbr mp3 "$tmp/vbr.mp3"
lame --quiet -t -V6 "$tmp/lame_in.wav" "$tmp/tagless.mp3"; seed mp3_tagless mp3 "$tmp/tagless.mp3"
ff "${SRC[@]}" -c:a libvorbis -q:a 0 "$tmp/a.ogg"; seed ogg ogg "$tmp/a.ogg"
ff "${SRC[@]}" -c:a aac -b:a 48k "$tmp/a.aac"; seed aac_adts aac "$tmp/a.aac"
ff "${SRC[@]}" -c:a aac -b:a 48k "$tmp/aac.m4a"; seed m4a_aac m4a "$tmp/aac.m4a"
ff "${SRC[@]}" -c:a aac -b:a 48k -use_editlist 0 "$tmp/noedit.m4a"; seed m4a_no_editlist m4a "$tmp/noedit.m4a"
ff "${SRC[@]}" -c:a aac -b:a 48k "$tmp/aac.mka"; seed mka_aac mka "$tmp/aac.mka"
ff "${SRC[@]}" -c:a libopus -b:a 32k "$tmp/a.opus"; seed opus opus "$tmp/a.opus"
# Files stemmix rejects: the reasons must stay clean errors.
: > "$tmp/empty"; seed empty_wav wav "$tmp/empty"
printf 'These are liner notes, not audio.\n' > "$tmp/notes"; seed text_as_flac flac "$tmp/notes"
head -c 3000 "$tmp/pcm_s16le.wav" > "$tmp/cut.wav"; seed wav_truncated wav "$tmp/cut.wav"
echo "$(ls "$out" | wc -l) media seeds, $(du -sh "$out" | cut -f1)"
