#!/usr/bin/env bash
# fetch_nsfwjs.sh DEST — the trained Keras InceptionV3 shipped in the npm package nsfwjs@4.4.0
# (MIT licence), unpacked for Python: DEST/package/ (the package as published), DEST/dump/
# (topology.json, manifest.json, weights.bin, written by tools/tfjs_dump.js). The tarball's
# SHA-256 is checked; DEST/.complete marks a finished run and makes later runs do nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: scripts/fetch_nsfwjs.sh DEST}
VERSION=4.4.0
SHA256=585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382

die() { echo "fetch_nsfwjs.sh: error: $*" >&2; exit 1; }

if [ -f "$DEST/.complete" ]; then
  echo "fetch_nsfwjs: $DEST already complete"
  exit 0
fi
command -v npm >/dev/null || die "npm not found (scripts/setup.sh installs it)"
mkdir -p "$DEST"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fetch_nsfwjs.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# npm pack only downloads the tarball: no dependencies, no install scripts.
(cd "$TMP" && npm pack "nsfwjs@$VERSION" --silent >/dev/null) || die "npm pack nsfwjs@$VERSION failed"
TGZ="$TMP/nsfwjs-$VERSION.tgz"
[ -f "$TGZ" ] || die "npm pack did not write $TGZ"
echo "$SHA256  $TGZ" | sha256sum --check --status || die "nsfwjs-$VERSION.tgz does not have the expected SHA-256"
rm -rf "$DEST/package" "$DEST/dump"
tar -xzf "$TGZ" -C "$DEST"
node "$ROOT/tools/tfjs_dump.js" "$DEST/package/dist/models/inception_v3" "$DEST/dump"
touch "$DEST/.complete"
