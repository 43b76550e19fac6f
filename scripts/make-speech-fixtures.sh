#!/usr/bin/env bash
# Regenerates the synthetic speech fixtures in test/fixtures/speech/.
#
#   scripts/make-speech-fixtures.sh            (needs espeak-ng and sox on PATH)
#
# Each fixture: espeak-ng (22.05 kHz) -> sox: trim silence, pad 0.2 s each side, resample to
# 16 kHz mono 16-bit PCM WAV, gain to -20 dBFS RMS (repeatable dither, -R). The WAVs are committed,
# so CI never needs espeak-ng; run this only to change or rebuild them. Output is deterministic for
# a given espeak-ng/sox version (see README.md in the fixture folder).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../test/fixtures/speech}"
target_rms_db=-20
peak_ceiling_db=-1
max_total_bytes=1200000

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install -y espeak-ng sox)" >&2; exit 1; }
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# name | espeak-ng voice(+variant) | speed (wpm) | pitch (0-99) | text (Harvard sentences, IEEE 1969)
fixtures=(
  "s01-en-us-m|en-us|175|50|The birch canoe slid on the smooth planks. Glue the sheet to the blue background."
  "s02-en-gb-m|en-gb|170|45|It is easy to tell the depth of a well. A chicken leg is a rare dish."
  "s03-en-f3|en+f3|175|55|Rice is often served in round bowls. The juice of lemons makes fine punch."
  "s04-en-m3|en+m3|160|35|The box was thrown beside the parked truck. Four hours of steady work faced us."
  "s05-en-us-f2|en-us+f2|185|65|The hogs were fed chopped corn and garbage. Large stockings are hard to sell."
  "s06-en-scotland-f4|en-gb-scotland+f4|165|60|The boy was there when the sun rose. A rod is used to catch salmon."
  "s07-en-rp-m7|en-gb-x-rp+m7|150|30|The source of the huge river is the clear spring. Kick the ball."
  "s08-en-caribbean-f5|en-029+f5|185|70|Help the woman get back to her feet. A pot of tea helps pass the evening."
)

rm -f "$out"/*.wav
for entry in "${fixtures[@]}"; do
  IFS='|' read -r name voice speed pitch text <<<"$entry"
  raw="$tmp/$name.raw.wav"
  mid="$tmp/$name.mid.wav"
  espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$raw" "$text"
  # Trim leading/trailing silence, pad, resample to 16 kHz mono (32-bit float intermediate).
  sox -R "$raw" -e floating-point -b 32 "$mid" \
    gain -6 silence 1 0.02 -50d reverse silence 1 0.02 -50d reverse pad 0.2 0.2 \
    rate -v 16000 channels 1
  stats="$(sox "$mid" -n stats 2>&1)"
  rms_db="$(awk '/^RMS lev dB/ {print $4}' <<<"$stats")"
  pk_db="$(awk '/^Pk lev dB/ {print $4}' <<<"$stats")"
  # Gain to the RMS target, but never past a -1 dBFS peak (no clipping): RMS may end up slightly lower.
  gain_db="$(awk -v t="$target_rms_db" -v r="$rms_db" -v p="$pk_db" -v c="$peak_ceiling_db" \
    'BEGIN { g = t - r; if (p + g > c) g = c - p; printf "%.2f", g }')"
  sox -R "$mid" -e signed-integer -b 16 "$out/$name.wav" gain "$gain_db"
  printf '%-24s voice=%-20s %5.2f s  gain %+6.2f dB\n' "$name" "$voice" "$(soxi -D "$out/$name.wav")" "$gain_db"
done

total="$(cat "$out"/*.wav | wc -c)"
echo "total WAV bytes: $total"
if (( total > max_total_bytes )); then
  echo "error: fixtures total $total bytes > $max_total_bytes" >&2
  exit 1
fi
