#!/usr/bin/env bash
# eval_parallel.sh -- `qcc eval` split into N shards that GNU parallel runs, on this machine or on
# several hosts over ssh, then `qcc merge`: the numbers of one run, in a fraction of the time.
#
# usage: tools/eval_parallel.sh --out DIR [--shards N] [--jobs J] [--sshlogin LOGINS] [--ssh CMD]
#                               [--qcc PATH] -- MODEL.onnx... --data DIR [qcc eval options]
#
#   --out DIR         shard K's results go to DIR/shard-K-of-N.json and .txt (predictions), the
#                     merged ones to DIR/eval.json and DIR/predictions.txt
#   --shards N        number of shards (default 2)
#   --jobs J          shards running at once on each host (default 1): give each of them
#                     --threads (cores / J)
#   --sshlogin L      GNU parallel's --sshlogin, e.g. 8/node1,8/node2 (default ':', this machine).
#                     Every host must see the qcc binary, the models, the folder and DIR under
#                     the same paths (a shared filesystem, as clusters have): jobs run in a
#                     folder of the same name as this one (parallel --workdir .)
#   --ssh CMD         the command parallel reaches hosts with (default ssh)
#   --qcc PATH        the qcc binary (default: qcc on PATH, else this checkout's build/cli/qcc)
#
# Rerunning the same command after a failure or an interruption continues every shard where it
# stopped (qcc eval --resume; a finished shard only re-counts its predictions). Prints the
# parallel command it runs, then the merged table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "eval_parallel.sh: error: $*" >&2; exit 2; }

OUT="" SHARDS=2 JOBS=1 SSHLOGIN=":" SSH="" QCC=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?--out needs a folder}; shift 2 ;;
    --shards) SHARDS=${2:?--shards needs a number}; shift 2 ;;
    --jobs) JOBS=${2:?--jobs needs a number}; shift 2 ;;
    --sshlogin) SSHLOGIN=${2:?--sshlogin needs logins}; shift 2 ;;
    --ssh) SSH=${2:?--ssh needs a command}; shift 2 ;;
    --qcc) QCC=${2:?--qcc needs a path}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[ -n "$OUT" ] || die "--out DIR is required"
[ $# -gt 0 ] || die "give the qcc eval arguments after --: MODEL.onnx... --data DIR"
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive number, got '$SHARDS'"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive number, got '$JOBS'"
command -v parallel >/dev/null || die "GNU parallel not found (Debian package 'parallel')"
if [ -z "$QCC" ]; then QCC=$(command -v qcc || echo "$ROOT/build/cli/qcc"); fi
[ -x "$QCC" ] || die "$QCC is not an executable qcc"

mkdir -p "$OUT"
# GNU parallel builds the remote command for $SHELL; with SHELL unset (cron, CI, `env -i`) its
# --sshlogin path silently runs nothing and exits 0.
export PARALLEL_SHELL=${PARALLEL_SHELL:-${SHELL:-/bin/bash}}
# One job per shard; -q quotes every argument for the remote shell; a failing shard stops the
# others (they save their predictions, so a rerun continues them).
cmd=(parallel --will-cite -q --halt now,fail=1 --jobs "$JOBS" --sshlogin "$SSHLOGIN" --workdir .)
[ -z "$SSH" ] || cmd+=(--ssh "$SSH")
cmd+=("$QCC" eval "$@" --shard "{}/$SHARDS" --json "$OUT/shard-{}-of-$SHARDS.json"
      --predictions "$OUT/shard-{}-of-$SHARDS.txt" --resume ::: $(seq "$SHARDS"))
echo "+ ${cmd[*]}"
"${cmd[@]}" >"$OUT/parallel.log" 2>&1 || { tail -n 20 "$OUT/parallel.log" >&2; echo "eval_parallel.sh: a shard failed (log: $OUT/parallel.log)" >&2; exit 1; }
shards=()
for k in $(seq "$SHARDS"); do
  shard="$OUT/shard-$k-of-$SHARDS.json"
  [ -s "$shard" ] || { cat "$OUT/parallel.log" >&2; die "parallel exited 0 but shard $k wrote no $shard"; }
  shards+=("$shard")
done
"$QCC" merge "${shards[@]}" --json "$OUT/eval.json" --predictions "$OUT/predictions.txt"
