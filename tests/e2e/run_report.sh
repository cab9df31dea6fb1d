#!/usr/bin/env bash
# run_report.sh QCC WORK_DIR — `qcc report` as people see it: the trained offline model compiled to
# FP16 and INT8 (with --report), the three evaluated on 48 crops, a `compare --per-layer` of the
# INT8 file, all turned into one page that headless Chromium renders. Checks: the file is
# self-contained (nothing fetched); in the DOM Chromium built, the results table has a row per
# model and each SQNR chart a bar per quantized activation of its source; in the screenshot
# (WORK_DIR/report.png, kept as the test's artefact), the table header, the time bars and the
# SQNR bars are drawn.
source "$(dirname "$0")/common.sh"
command -v chromium >/dev/null || { echo "FAIL: chromium not installed (Debian package chromium)"; exit 1; }
FP16="$WORK/iv3_fp16.onnx" INT8="$WORK/iv3_int8.onnx"
"$QCC" compile "$MODEL" --precision fp16 -o "$FP16" --report "$WORK/fp16_report.json" >/dev/null
"$QCC" compile "$MODEL" --precision int8 --calib "$OFF/calib" --calib-count 32 -o "$INT8" \
  --report "$WORK/int8_report.json" >/dev/null 2>&1
"$QCC" eval "$MODEL" "$FP16" "$INT8" --data "$OFF/val" --limit 48 --json "$WORK/eval.json" 2>/dev/null | tail -n 5
"$QCC" compare "$MODEL" "$INT8" --data "$OFF/val" --limit 16 --per-layer --json "$WORK/compare.json" >/dev/null 2>&1
"$QCC" report "$WORK/eval.json" "$WORK/int8_report.json" "$WORK/fp16_report.json" "$WORK/compare.json" \
  -o "$WORK/report.html"

if grep -Eqi 'https?:|<script|<link|<img|url\(' "$WORK/report.html"; then
  echo "FAIL: report.html refers to something outside itself"; exit 1
fi
browse() {  # chromium headless with a profile of its own; its D-Bus complaints go to a log
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/chromium" \
    --window-size=1280,2600 "$@" "file://$WORK/report.html" 2>>"$WORK/chromium.log"
}
rm -f "$WORK/report.png"
browse --dump-dom >"$WORK/dom.html"
browse --screenshot="$WORK/report.png" >/dev/null
echo "screenshot: $WORK/report.png"
$PY - "$WORK" <<'PYEOF'
import json, sys
from html.parser import HTMLParser
from PIL import Image

work = sys.argv[1]

class Dom(HTMLParser):
    """Counts the results table's body rows and the bars of each chart, as Chromium's DOM has them."""
    def __init__(self):
        super().__init__()
        self.stack, self.rows, self.bars, self.cells = [], 0, {}, []
    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "")
        if tag == "svg":
            self.bars.setdefault(cls, []).append(0)
        if tag == "rect" and "bar" in cls:
            svg = next(c for t, c in reversed(self.stack) if t == "svg")
            self.bars[svg][-1] += 1
        if tag == "tr" and any(t == "tbody" for t, _ in self.stack) and \
                any(t == "table" and c == "results" for t, c in self.stack):
            self.rows += 1
        self.stack.append((tag, cls))
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

dom = Dom()
dom.feed(open(f"{work}/dom.html").read())
int8_layers = len(json.load(open(f"{work}/int8_report.json"))["int8"]["activation_errors"])
compare_layers = len(json.load(open(f"{work}/compare.json"))["layers"])
print(f"DOM: results table rows {dom.rows}, bars per chart {dom.bars}")
ok = dom.rows == 3 and dom.bars.get("time") == [3] and dom.bars.get("top1") == [3] \
    and dom.bars.get("sqnr") == [int8_layers, compare_layers]

# Pixels of the page's own colours in the screenshot: drawn, not just present in the markup.
png = Image.open(f"{work}/report.png").convert("RGB")
count = {}
for rgb, n in ((c, n) for n, c in png.getcolors(png.width * png.height)):
    count[rgb] = count.get(rgb, 0) + n
px = lambda hexcolor: count.get(tuple(int(hexcolor[i:i + 2], 16) for i in (1, 3, 5)), 0)
header, time_bars = px("#dbe4f0"), px("#1565c0")
sqnr_bars = px("#2e7d32") + px("#f9a825") + px("#c62828")
print(f"screenshot {png.width}x{png.height}: table header {header} px, time bars {time_bars} px, "
      f"SQNR bars {sqnr_bars} px")
ok = ok and header > 2000 and time_bars > 2000 and sqnr_bars > 50000
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PYEOF
