#!/usr/bin/env bash
# run_install.sh QCC WORK_DIR BUILD_DIR — the runtime library as a user gets it: `cmake --install`
# of the build into a fresh prefix, examples/ configured and built against that prefix alone
# (find_package(qcc) -> qcc::runtime), the program linked to the installed libqcc, and
# `classify MODEL IMAGE` printing what `qcc run MODEL IMAGE` prints (top-5 classes and
# probabilities) on three validation photos.
source "$(dirname "$0")/common.sh"
BUILD=${3:?usage: run_install.sh QCC WORK_DIR BUILD_DIR}
PREFIX="$WORK/prefix" EXAMPLES="$WORK/examples"
rm -rf "$PREFIX" "$EXAMPLES"
cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log"
echo "== installed into $PREFIX:"
(cd "$PREFIX" && find . -type f -o -type l | sort | sed 's/^/  /')
cmake -S "$ROOT/examples" -B "$EXAMPLES" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >"$WORK/examples.log"
cmake --build "$EXAMPLES" >>"$WORK/examples.log"
linked=$(ldd "$EXAMPLES/classify" | awk '/libqcc/ {print $3}')
echo "== classify links $linked"
[[ $linked == "$PREFIX"/* ]] || { echo "FAIL: classify does not use the installed libqcc"; exit 1; }

status=0
for image in $(find "$OFF/val" -type f | sort | sed -n '1p;900p;2000p'); do
  "$EXAMPLES/classify" "$MODEL" "$image" 2 >"$WORK/classify.txt"
  "$QCC" run "$MODEL" "$image" --threads 2 >"$WORK/run.txt"
  echo "== $(basename "$image"): classify top-1 '$(sed -n 2p "$WORK/classify.txt")', qcc run top-1 '$(sed -n 2p "$WORK/run.txt")'"
  diff "$WORK/run.txt" "$WORK/classify.txt" || { echo "FAIL: classify and qcc run differ"; status=1; }
done
# An error is the line qcc prints.
"$EXAMPLES/classify" "$WORK/missing.onnx" "$image" 2>"$WORK/classify.err" && status=1
"$QCC" run "$WORK/missing.onnx" "$image" 2>"$WORK/run.err" && status=1
echo "== errors: '$(cat "$WORK/classify.err")' / '$(cat "$WORK/run.err")'"
[ "$(sed 's/^classify: //' "$WORK/classify.err")" = "$(sed 's/^qcc run: //' "$WORK/run.err")" ] ||
  { echo "FAIL: different error lines"; status=1; }
exit $status
