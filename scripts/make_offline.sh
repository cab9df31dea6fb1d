#!/usr/bin/env bash
# make_offline.sh CACHE_DIR [--seeded] — the offline task (no ImageNet, no model hub needed):
# natural photos from Debian packages, one class per photo, and an Inception V3 whose classifier
# is fitted to "which photo is this crop from".
#
# Default: the trained backbone (Keras InceptionV3 from the npm package nsfwjs, ported into
# torchvision's model, BatchNorm statistics kept). Writes CACHE_DIR/offline/:
#   iv3_trained.onnx             the embedded default (classifier on globally scaled features)
#   iv3_trained_perfeature.onnx  same backbone, classifier on per-feature standardised features
#                                (huge weights: the "one layer ruins INT8" test model)
#   weights.pt, val/ (26 crops per photo), calib/ (1250 crops), labels.txt, offline_summary.json
# --seeded: the chaotic proxy of earlier versions (seeded random init, BatchNorm re-estimated)
#   in CACHE_DIR/offline_seeded/ (iv3_seeded.onnx, its own val/ and calib/), for the tests
#   that need a second, unstable model.
# Cached: redone only when the generating scripts change.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${1:?usage: make_offline.sh CACHE_DIR [--seeded]}
SEEDED=${2:-}
[ -z "$SEEDED" ] || [ "$SEEDED" = --seeded ] || { echo "make_offline.sh: unknown option $SEEDED" >&2; exit 2; }
mkdir -p "$CACHE"
"$ROOT/scripts/fetch_photos.sh" "$CACHE/photos"
TOOLS="$ROOT/tools"
STAMP=$(cat "$TOOLS/export_torchvision.py" "$TOOLS/offline_data.py" "$TOOLS/keras_port.py" "$0" | sha256sum | cut -c1-16)
PY=/usr/bin/python3

up_to_date() {  # DIR MODEL
  [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$STAMP" ] && [ -f "$1/$2" ]
}

if [ -z "$SEEDED" ]; then
  OUT="$CACHE/offline"
  if up_to_date "$OUT" iv3_trained.onnx; then echo "make_offline: $OUT is up to date"; exit 0; fi
  "$ROOT/scripts/fetch_nsfwjs.sh" "$CACHE/nsfwjs"
  echo "make_offline: building the trained model and folders in $OUT (about 5 minutes)"
  rm -f "$OUT/.stamp"
  $PY "$TOOLS/export_torchvision.py" --offline "$CACHE/photos" --data-out "$OUT" \
    --keras-dump "$CACHE/nsfwjs/dump" --val-per-class 26 --calib-count 1250 \
    --out "$OUT/iv3_trained.onnx" --out-per-feature "$OUT/iv3_trained_perfeature.onnx" \
    --save-weights "$OUT/weights.pt"
  cp "$CACHE/nsfwjs/package/LICENSE" "$OUT/LICENSE.nsfwjs"  # the weights' licence (MIT)
else
  OUT="$CACHE/offline_seeded"
  if up_to_date "$OUT" iv3_seeded.onnx; then echo "make_offline: $OUT is up to date"; exit 0; fi
  echo "make_offline: building the seeded model and folders in $OUT (about 3 minutes)"
  rm -f "$OUT/.stamp"
  $PY "$TOOLS/export_torchvision.py" --offline "$CACHE/photos" --data-out "$OUT" \
    --val-per-class 26 --calib-count 1250 --out "$OUT/iv3_seeded.onnx" --save-weights "$OUT/weights.pt"
fi
echo "$STAMP" > "$OUT/.stamp"
