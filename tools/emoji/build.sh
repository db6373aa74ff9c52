#!/usr/bin/env bash
# Redraws the built-in emoji images from Twemoji (graphics CC-BY 4.0, see
# crates/server/assets/emote/LICENSE.md): fetches the SVG files from the
# npm registry (@twemoji/svg, a pinned version) and renders each one that
# catalogue.tsv names as a 48x48 PNG. Needs npm and rsvg-convert
# (apt-get install librsvg2-bin). The PNGs are checked in; run this only
# to change the choice of images.
set -euo pipefail
cd "$(dirname "$0")"
version=15.0.0
out=../../crates/server/assets/emote
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@twemoji/svg@$version" >/dev/null && tar xzf twemoji-svg-$version.tgz)
grep -v '^#' catalogue.tsv | while IFS=$'\t' read -r file name code _; do
    rsvg-convert --width 48 --height 48 --keep-aspect-ratio \
        "$work/package/$code.svg" --output "$out/$file.png"
    echo "$file.png  $name  U+${code^^}"
done
