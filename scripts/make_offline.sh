#!/usr/bin/env bash
# make_offline.sh CACHE_DIR — the offline proxy task (no ImageNet, no pretrained weights needed):
# natural photos from Debian packages, and an Inception V3 with seeded init, BatchNorm statistics
# re-estimated on photo crops and its classifier fitted to "which photo is this crop from".
# Writes CACHE_DIR/photos and CACHE_DIR/offline/{iv3_offline.onnx, weights.pt, val/, calib/,
# labels.txt}. Cached: redone only when the generating scripts change.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${1:?usage: make_offline.sh CACHE_DIR}
mkdir -p "$CACHE"
"$ROOT/scripts/fetch_photos.sh" "$CACHE/photos"

OUT="$CACHE/offline"
STAMP=$(cat "$ROOT/tools/export_torchvision.py" "$ROOT/tools/offline_data.py" | sha256sum | cut -c1-16)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ] && [ -f "$OUT/iv3_offline.onnx" ]; then
  echo "make_offline: $OUT is up to date"
  exit 0
fi
echo "make_offline: building the offline model and folders in $OUT (about 5 minutes)"
rm -f "$OUT/.stamp"
/usr/bin/python3 "$ROOT/tools/export_torchvision.py" --offline "$CACHE/photos" --data-out "$OUT" \
  --out "$OUT/iv3_offline.onnx" --save-weights "$OUT/weights.pt"
echo "$STAMP" > "$OUT/.stamp"
