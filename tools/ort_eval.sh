#!/usr/bin/env bash
# ort_eval.sh — ONNX Runtime top-1/top-5 accuracy on an ImageNet-style folder,
# with torchvision's Inception V3 preprocessing (the reference for `qcc eval`).
#
# Step 1: tools/make_inputs.py --folder DIR  -> tensors + labels in a temp dir
# Step 2: node tools/ort_run.js eval MODEL   -> accuracy and timing
# The temp dir is removed on exit.
set -euo pipefail

PROG=ort_eval.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${QCC_PYTHON:-/usr/bin/python3}   # needs torch + torchvision + onnx
NODE=${NODE:-node}

usage() {
  cat <<EOF
usage: tools/ort_eval.sh MODEL.onnx DIR [--limit N] [--json FILE] [--batch B]
                         [--threads T] [--predictions FILE] [--keep DATA_DIR]

ONNX Runtime (onnxruntime-node) top-1/top-5 accuracy of MODEL.onnx on DIR, an
ImageNet-style folder (one sub-folder per class; class index = position of the
folder name in sorted order). Images are preprocessed by torchvision (PIL,
Resize 342 bilinear, CenterCrop 299, ImageNet mean/std) via
tools/make_inputs.py --folder into a temporary folder (removed at exit), then
evaluated by node tools/ort_run.js eval.

options:
  --limit N           use N images spread evenly over the sorted list (i*len/N)
  --json FILE         write {"model","images","top1","top5","ms_per_image","peer",...}
  --batch B           images per inference batch (default 16)
  --threads T         onnxruntime intra-op threads (default 2)
  --predictions FILE  write "INDEX TOP1CLASS" per image (INDEX = position in the
                      --limit selection, as qcc eval numbers images)
  --keep DATA_DIR     write the preprocessed data to DATA_DIR (new or empty) and
                      keep it, instead of a temporary folder
  -h, --help          show this help

environment: QCC_PYTHON (default /usr/bin/python3), NODE (default node), TMPDIR.
The temporary data takes about 1.07 MB per image.
EOF
}

die() { echo "$PROG: error: $*" >&2; exit 1; }
usage_error() { echo "$PROG: error: $* (see --help)" >&2; exit 2; }

positional=()
prep_args=()
eval_args=()
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --limit|--batch)
      [[ $# -ge 2 ]] || usage_error "$1 needs a value"
      [[ "$2" =~ ^[0-9]+$ && "$2" -ge 1 ]] || usage_error "$1 needs a whole number >= 1, got '$2'"
      prep_args+=("$1" "$2"); shift 2 ;;
    --threads)
      [[ $# -ge 2 ]] || usage_error "$1 needs a value"
      [[ "$2" =~ ^[0-9]+$ && "$2" -ge 1 ]] || usage_error "$1 needs a whole number >= 1, got '$2'"
      eval_args+=("$1" "$2"); shift 2 ;;
    --json|--predictions)
      [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a file name"
      eval_args+=("$1" "$2"); shift 2 ;;
    --keep)
      [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a folder name"
      keep=$2; shift 2 ;;
    --limit=*|--batch=*|--threads=*|--json=*|--predictions=*|--keep=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    --) shift; positional+=("$@"); break ;;
    -*) usage_error "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[[ ${#positional[@]} -eq 2 ]] || usage_error "need MODEL.onnx and DIR"
model=${positional[0]}
dir=${positional[1]}
[[ -f "$model" ]] || die "no such model file: $model"
[[ -d "$dir" ]] || die "not a directory: $dir"
[[ -x "$PYTHON" ]] || die "python not found: $PYTHON (set QCC_PYTHON)"

if [[ -n "$keep" ]]; then
  data=$keep
else
  data=$(mktemp -d "${TMPDIR:-/tmp}/qcc_ort_eval.XXXXXX") || die "cannot create a temporary folder"
  trap 'rm -rf -- "$data"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
fi

"$PYTHON" "$HERE/make_inputs.py" --folder "$dir" --out "$data" ${prep_args[@]+"${prep_args[@]}"} \
  || die "preprocessing failed (tools/make_inputs.py --folder $dir)"
"$NODE" "$HERE/ort_run.js" eval "$model" "$data" ${eval_args[@]+"${eval_args[@]}"} \
  || die "onnxruntime evaluation failed (tools/ort_run.js eval $model)"
