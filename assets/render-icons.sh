#!/usr/bin/env bash
# Renders the app icon assets/stemmix.svg into the PNGs of assets/icons/hicolor/ (the freedesktop
# icon theme layout the .deb installs) and the Windows icon assets/stemmix.ico (the installer's).
# Run it after editing the SVG and commit the results; the build never renders anything.
# Needs rsvg-convert (package librsvg2-bin) and ImageMagick's convert (package imagemagick).
set -euo pipefail
cd "$(dirname "$0")"

SIZES="16 22 24 32 48 64 128 256 512"
ICO_SIZES="16 24 32 48 64 256"

for s in $SIZES; do
    dir="icons/hicolor/${s}x${s}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$s" --height "$s" --format png stemmix.svg --output "$dir/stemmix.png"
done

ico_inputs=()
for s in $ICO_SIZES; do ico_inputs+=("icons/hicolor/${s}x${s}/apps/stemmix.png"); done
convert "${ico_inputs[@]}" stemmix.ico
echo "rendered: $SIZES px and stemmix.ico ($ICO_SIZES px)"
