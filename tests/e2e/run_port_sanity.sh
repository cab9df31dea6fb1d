#!/usr/bin/env bash
# run_port_sanity.sh QCC WORK_DIR — the trained backbone is ported right (tests/e2e/port_sanity.py:
# the package's own head calls >= 90% of the photos 'neutral'; a deliberately broken port fails).
source "$(dirname "$0")/common.sh"
$PY "$ROOT/tests/e2e/port_sanity.py" "$CACHE/nsfwjs/dump" "$CACHE/photos"
