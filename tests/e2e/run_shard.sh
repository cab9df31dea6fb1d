#!/usr/bin/env bash
# run_shard.sh QCC WORK_DIR — sharded and interrupted evaluations give exactly one run's numbers.
# On 96 validation crops, the trained offline model in FP32 and INT8, against one `qcc eval`:
#   * --shard 1/3, 2/3, 3/3 then `qcc merge`;
#   * the GNU parallel recipe (tools/eval_parallel.sh), 2 shards on this machine, and 2 shards on
#     two "hosts" through --sshlogin (fake_ssh.sh stands in for ssh);
#   * the Slurm recipe (tools/slurm/eval_shard.sbatch) as a job array on a single-node
#     slurmctld + slurmd started here (as root; otherwise its tasks run directly with the array
#     variables set, and the reason is printed), and the script's array arithmetic;
#   * Ctrl-C in the middle of a run, --resume, `kill` in the middle of that, --resume again.
# Each must give byte-identical top-1/top-5/agreement and per-class counts (same_eval.py) and the
# same predictions file.
source "$(dirname "$0")/common.sh"
source "$ROOT/tests/e2e/slurm_local.sh"

INT8="$WORK/iv3_int8.onnx"
"$QCC" compile "$MODEL" --precision int8 --calib "$OFF/calib" --calib-count 32 -o "$INT8" >/dev/null 2>&1
EVAL=("$MODEL" "$INT8" --data "$OFF/val" --limit 96)
status=0
check() {  # WHAT JSON PREDICTIONS: the same as the single run
  echo "== $1"
  $PY "$ROOT/tests/e2e/same_eval.py" "$WORK/single.json" "$2" && cmp "$WORK/single.txt" "$3" &&
    echo "  predictions identical" || { echo "FAIL: $1"; status=1; }
}

echo "== one run"
"$QCC" eval "${EVAL[@]}" --json "$WORK/single.json" --predictions "$WORK/single.txt" 2>"$WORK/eval.log" | tail -n 5

rm -rf "$WORK/seq" && mkdir -p "$WORK/seq"
for k in 1 2 3; do
  "$QCC" eval "${EVAL[@]}" --shard "$k/3" --json "$WORK/seq/s$k.json" --predictions "$WORK/seq/s$k.txt" \
    >/dev/null 2>>"$WORK/eval.log"
done
"$QCC" merge "$WORK"/seq/s{1,2,3}.json --json "$WORK/seq/eval.json" --predictions "$WORK/seq/predictions.txt" >/dev/null
check "3 shards, qcc merge" "$WORK/seq/eval.json" "$WORK/seq/predictions.txt"

rm -rf "$WORK/par"
"$ROOT/tools/eval_parallel.sh" --qcc "$QCC" --out "$WORK/par" --shards 2 --jobs 2 -- "${EVAL[@]}" --threads 1 >/dev/null
check "GNU parallel, 2 shards here" "$WORK/par/eval.json" "$WORK/par/predictions.txt"
rm -rf "$WORK/hosts"
# SHELL unset as under cron or CI: parallel's remote path must still run the shards.
env -u SHELL "$ROOT/tools/eval_parallel.sh" --qcc "$QCC" --out "$WORK/hosts" --shards 2 --sshlogin 1/hostA,1/hostB \
  --ssh "$ROOT/tests/e2e/fake_ssh.sh" -- "${EVAL[@]}" --threads 1 >/dev/null
check "GNU parallel, 2 shards on 2 hosts over --sshlogin" "$WORK/hosts/eval.json" "$WORK/hosts/predictions.txt"

# Slurm: array task i runs shard i+1 of N (the array's size), whatever the first index.
echo "== eval_shard.sbatch array arithmetic"
SBATCH="$ROOT/tools/slurm/eval_shard.sbatch"
task() { env SLURM_ARRAY_TASK_ID=$1 SLURM_ARRAY_TASK_MIN=$2 SLURM_ARRAY_TASK_MAX=$3 SLURM_ARRAY_TASK_COUNT=$4 \
  SLURM_ARRAY_TASK_STEP=$5 QCC=echo bash "$SBATCH" "$WORK/arith" m.onnx --data d 2>&1; }
for t in "3 1 4 4 1:--shard 3/4" "0 0 9 10 1:--shard 1/10" "9 0 9 10 1:--shard 10/10" \
         "2 0 4 3 2:is not contiguous" "5 5 7 2 1:is not contiguous"; do
  out=$(task ${t%%:*} || true)
  [[ $out == *"${t#*:}"* ]] && echo "  task ${t%%:*}: ${t#*:}" || { echo "FAIL: task ${t%%:*}: $out"; status=1; }
done
rm -rf "$WORK/slurm_out"
if start_slurm "$WORK/slurm"; then
  echo "== Slurm job array (single-node slurmctld + slurmd started here)"
  QCC="$QCC" sbatch --wait --array=0-2 --cpus-per-task=1 -o "$WORK/slurm/task-%a.out" \
    "$SBATCH" "$WORK/slurm_out" "${EVAL[@]}" >/dev/null || { echo "FAIL: sbatch"; cat "$WORK"/slurm/task-*.out; status=1; }
  stop_slurm
else
  echo "== Slurm cannot run here: $SLURM_WHY; running the array's tasks directly"
  for i in 0 1 2; do
    env SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2 SLURM_ARRAY_TASK_COUNT=3 \
      SLURM_ARRAY_TASK_STEP=1 QCC="$QCC" bash "$SBATCH" "$WORK/slurm_out" "${EVAL[@]}" >/dev/null || status=1
  done
fi
"$QCC" merge "$WORK"/slurm_out/shard-{1,2,3}-of-3.json --json "$WORK/slurm_out/eval.json" \
  --predictions "$WORK/slurm_out/predictions.txt" >/dev/null || status=1
check "Slurm array of 3 tasks, qcc merge" "$WORK/slurm_out/eval.json" "$WORK/slurm_out/predictions.txt"

# Stops a run once its progress log shows a tenth done: SIGNAL LOG PID -> the exit code.
stop_midway() {
  local i code=0
  for i in $(seq 1200); do grep -q '^eval: ' "$2" && break; sleep 0.1; done
  kill "-$1" "$3"
  wait "$3" || code=$?
  echo "  $1 after $(wc -l <"$PRED") of 96 images: exit code $code, '$(tail -n 1 "$2")'"
  return $code
}
PRED="$WORK/interrupted.txt"
rm -f "$PRED"
set -m  # job control: a background job gets SIGINT as a foreground one does from Ctrl-C
"$QCC" eval "${EVAL[@]}" --threads 1 --batch 4 --predictions "$PRED" >/dev/null 2>"$WORK/int1.log" &
code=0; stop_midway INT "$WORK/int1.log" $! || code=$?
[ $code = 130 ] && [ "$(wc -l <"$PRED")" -gt 0 ] || { echo "FAIL: Ctrl-C"; status=1; }
"$QCC" eval "${EVAL[@]}" --threads 1 --batch 4 --predictions "$PRED" --resume >/dev/null 2>"$WORK/int2.log" &
code=0; stop_midway TERM "$WORK/int2.log" $! || code=$?
set +m
[ $code = 143 ] && [ "$(wc -l <"$PRED")" -lt 96 ] || { echo "FAIL: kill"; status=1; }
"$QCC" eval "${EVAL[@]}" --json "$WORK/resumed.json" --predictions "$PRED" --resume >/dev/null 2>>"$WORK/eval.log"
check "Ctrl-C, --resume, kill, --resume" "$WORK/resumed.json" "$PRED"
exit $status
