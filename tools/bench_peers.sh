#!/usr/bin/env bash
# bench_peers.sh — qcc against ONNX Runtime (onnxruntime-node), measured back to back.
#
#   tools/bench_peers.sh --fp32 M.onnx [--fp16 M.onnx] [--int8 M.onnx] [--rounds 5]
#                        [--batch 16] [--threads 2] [--iters 3] [--json FILE]
#
# Each round runs every (engine, model) once (warm-up 1, then --iters timed runs, median ms per
# image) in a fixed order; ratios are taken within a round, so machine-speed drift between rounds
# cancels. The table shows, per configuration, the median over rounds of ms/image and of the
# speed-ups against ONNX Runtime FP32 and against qcc FP32 of the same round, and for qcc the
# median of its time over ONNX Runtime's at the same precision (same file) in the same round.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
QCC=${QCC:-$ROOT/build/cli/qcc}
PY=/usr/bin/python3
rounds=5 batch=16 threads=2 iters=3 json=""
declare -A model
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --fp32|--fp16|--int8) model[${1#--}]=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --iters) iters=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench_peers.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "${model[fp32]:-}" ] || { echo "bench_peers.sh: --fp32 MODEL is required" >&2; exit 2; }
for p in "${model[@]}"; do [ -f "$p" ] || { echo "bench_peers.sh: no such model: $p" >&2; exit 1; }; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results="$tmp/results.txt"
for r in $(seq "$rounds"); do
  for prec in fp32 fp16 int8; do
    m=${model[$prec]:-}
    [ -n "$m" ] || continue
    for engine in qcc ort; do
      if [ $engine = qcc ]; then cmd=("$QCC" bench); else cmd=(node "$ROOT/tools/ort_run.js" bench); fi
      "${cmd[@]}" "$m" --batch "$batch" --threads "$threads" --iters "$iters" --warmup 1 --json "$tmp/b.json" >/dev/null
      echo "$r $engine $prec $($PY -c "import json,sys;print(json.load(open(sys.argv[1]))['ms_per_image'])" "$tmp/b.json")" >> "$results"
    done
  done
  echo "round $r/$rounds done" >&2
done

$PY - "$results" "$json" "$batch" "$threads" "$iters" <<'PYEOF'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
ms = {}
for r, eng, prec, v in rows:
    ms.setdefault((eng, prec), {})[int(r)] = float(v)
def med(xs): return statistics.median(xs) if xs else float("nan")
base_ort, base_qcc = ms.get(("ort", "fp32"), {}), ms.get(("qcc", "fp32"), {})
out = []
print(f"{'engine':6s} {'precision':9s} {'ms/img':>8s} {'vs ORT fp32':>12s} {'vs qcc fp32':>12s} {'time / ORT same':>16s}"
      f"  (medians of {len(base_ort)} back-to-back rounds)")
for (eng, prec), per in sorted(ms.items()):
    vs_ort = med([base_ort[r] / v for r, v in per.items() if r in base_ort])
    vs_qcc = med([base_qcc[r] / v for r, v in per.items() if r in base_qcc])
    peer = ms.get(("ort", prec), {}) if eng == "qcc" else {}
    vs_same = med([v / peer[r] for r, v in per.items() if r in peer])
    m = med(list(per.values()))
    same = f"{vs_same:15.3f}x" if peer else f"{'-':>16s}"
    print(f"{eng:6s} {prec:9s} {m:8.2f} {vs_ort:11.2f}x {vs_qcc:11.2f}x {same}")
    row = dict(engine=eng, precision=prec, ms_per_image=m, speedup_vs_ort_fp32=vs_ort,
               speedup_vs_qcc_fp32=vs_qcc, rounds_ms=[per[k] for k in sorted(per)])
    if peer:
        row["time_vs_ort_same_precision"] = vs_same
    out.append(row)
if sys.argv[2]:
    json.dump(dict(batch=int(sys.argv[3]), threads=int(sys.argv[4]), iters=int(sys.argv[5]),
                   peer="onnxruntime-node 1.30.0", results=out), open(sys.argv[2], "w"), indent=1)
PYEOF
