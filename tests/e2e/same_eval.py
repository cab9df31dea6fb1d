"""same_eval.py ONE.json OTHER.json -- the two qcc eval results count the same: byte-identical
top-1, top-5, agreement, image counts and per-class counts (times may differ). Prints the top-1/
top-5/agreement of each model; exits 1 naming the first field that differs."""
import json
import sys

EXACT = ["top1", "top5", "agreement_top1", "images", "skipped", "top1_count", "top5_count",
         "agree_top1_count", "agree_images", "class_top1", "class_top5", "fingerprint"]

one, other = (json.load(open(p)) for p in sys.argv[1:3])
for key in ["images_total", "folder_fingerprint", "classes", "class_images"]:
    if json.dumps(one[key]) != json.dumps(other[key]):
        sys.exit(f"FAIL: {key} differs between {sys.argv[1]} and {sys.argv[2]}")
if len(one["results"]) != len(other["results"]):
    sys.exit("FAIL: not the same number of models")
for a, b in zip(one["results"], other["results"]):
    for key in EXACT:
        if json.dumps(a[key]) != json.dumps(b[key]):
            sys.exit(f"FAIL: {key} of {a['model']}: {a[key]} vs {b[key]}")
    print(f"  {a['model'].split('/')[-1]}: top-1 {a['top1']!r}, top-5 {a['top5']!r}, "
          f"agreement {a['agreement_top1']!r} -- identical")
