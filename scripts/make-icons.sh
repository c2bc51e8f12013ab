#!/usr/bin/env bash
# Regenerates icons/ with ImageMagick. The PNGs are committed; run this only to change the art.
# App icon: a blue tile with a white presence dot and two "relay" arcs. Tray icons: one per visible
# state, drawn as Teams-like status badges at 64x64 (the tray scales them down).
set -euo pipefail
cd "$(dirname "$0")/../icons"
command -v convert >/dev/null || { echo "needs ImageMagick (apt-get install imagemagick)" >&2; exit 1; }

convert -size 512x512 xc:none \
  -fill '#2F5BD3' -draw 'roundrectangle 16,16 495,495 96,96' \
  -fill white -draw 'circle 256,330 256,160' -fill '#2F5BD3' -draw 'circle 256,330 256,196' \
  -fill white -draw 'circle 256,330 256,232' -fill '#2F5BD3' -draw 'circle 256,330 256,268' \
  -fill '#2F5BD3' -draw 'rectangle 60,330 452,470' \
  -fill white -draw 'circle 256,330 256,290' \
  PNG32:icon.png
convert icon.png -resize 128x128 PNG32:128x128.png
convert icon.png -resize 32x32 PNG32:32x32.png
convert icon.png -define icon:auto-resize=256,64,48,32,16 icon.ico

# Each tray badge comes in two variants: for a dark panel (tray-NAME.png) with a white ring that
# parts it from the panel, and for a light panel (tray-NAME-light-panel.png) with a dark ring, as
# a white ring vanishes on a light panel and leaves the grey badges (offline, paused) washed out.
badge() { # name fill glyph-draw-args...
  local name=$1 fill=$2; shift 2
  local variant ring
  for variant in dark light; do
    if [ "$variant" = dark ]; then ring=white; else ring='#201F1E'; fi
    local out="tray-$name.png"
    [ "$variant" = light ] && out="tray-$name-light-panel.png"
    convert -size 64x64 xc:none -fill "$fill" -stroke "$ring" -strokewidth 4 \
      -draw 'circle 32,32 32,4' -stroke none -fill white "$@" "PNG32:$out"
  done
}
badge available '#6BB700' -stroke white -strokewidth 7 -fill none -draw 'polyline 18,33 28,43 46,22'
badge busy '#D13438'
badge dnd '#D13438' -draw 'rectangle 16,28 48,36'
badge away '#F8A800' -stroke white -strokewidth 6 -fill none -draw 'polyline 32,16 32,34 44,42'
badge offline '#8A8886' -fill '#8A8886' -stroke white -strokewidth 6 -draw 'circle 32,32 32,18'
badge paused '#605E5C' -draw 'rectangle 20,18 28,46' -draw 'rectangle 36,18 44,46'
badge error '#A4262C' -draw 'rectangle 28,14 36,38' -draw 'rectangle 28,44 36,51'
badge simulated '#8764B8' -stroke white -strokewidth 6 -fill none -draw 'arc 18,18 46,46 30,330'
ls -1
