# Sourced by the end-to-end scripts: arguments (QCC WORK_DIR), paths, the trained offline model
# (made and cached on first use) and photos_data, which writes 16 photos preprocessed by
# torchvision.
set -euo pipefail
QCC=${1:?usage: $(basename "$0") QCC WORK_DIR}
WORK=${2:?usage: $(basename "$0") QCC WORK_DIR}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${QCC_CACHE:-$HOME/.cache/qcc}
PY=/usr/bin/python3
mkdir -p "$WORK"
"$ROOT/scripts/make_offline.sh" "$CACHE"
OFF="$CACHE/offline"
MODEL="$OFF/iv3_trained.onnx"

photos_data() {  # OUT_DIR BATCH
  rm -rf "$1"
  $PY "$ROOT/tools/make_inputs.py" --images "$CACHE/photos" --count 16 --batch "$2" --out "$1" >/dev/null
}
