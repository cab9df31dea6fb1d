#!/usr/bin/python3
"""Turn photos into Inception V3 input tensors, stored as ONNX test data.

Every image gets torchvision's Inception V3 preprocessing: PIL open,
convert('RGB'), Resize(342) (bilinear, antialiased), CenterCrop(299),
ToTensor, Normalize(ImageNet mean/std). Tensors are float32
[BATCH, 3, 299, 299] TensorProtos named `input`.

--images DIR (photos, no labels): the first COUNT images (.jpg/.jpeg/.png) of
DIR in sorted file-name order.

  BATCH == COUNT: DATA_DIR/input_0.pb
  BATCH <  COUNT: DATA_DIR/test_data_set_K/input_0.pb, K = 0 .. COUNT/BATCH-1

  DATA_DIR/images.txt lists the images used, in order (file names).

--folder DIR (labelled, ImageNet style): one sub-folder per class; class index
= position of the sub-folder name in sorted order (torchvision ImageFolder
convention). Images are the files ending in .jpg .jpeg .png .bmp .ppm .pgm
(any case) found recursively under each class folder, sorted by path; the
list is ordered by class, then path (the order `qcc eval` uses). --limit N
keeps the N images at positions i*len/N, i = 0 .. N-1. Unreadable images are
skipped with a warning. Output:

  DATA_DIR/test_data_set_K/input_0.pb   [b,3,299,299], b = BATCH (the last set may be smaller)
  DATA_DIR/test_data_set_K/labels.txt   class index of each tensor row, one per line
  DATA_DIR/test_data_set_K/indices.txt  position of each row in images.txt, one per line
  DATA_DIR/images.txt                   every selected image: "PATH<TAB>LABEL" (line i = index i)
  DATA_DIR/skipped.txt                  unreadable images: "PATH<TAB>REASON"
  DATA_DIR/classes.txt                  class folder names, line k = class k

Examples:
  tools/make_inputs.py --images /tmp/photos --count 16 --out /tmp/iv3_data
  tools/make_inputs.py --folder /tmp/offline/val --limit 100 --batch 16 --out /tmp/val_data
"""
import argparse
import os
import sys

from offline_data import eval_transform  # tools/offline_data.py: the reference preprocessing

PROG = "make_inputs.py"
EXTS = (".jpg", ".jpeg", ".png")
FOLDER_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm")


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def warn(msg):
    print(f"{PROG}: warning: {msg}", file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Preprocess images for Inception V3 (Resize 342, CenterCrop 299, ImageNet "
                    "mean/std) and write them as ONNX test data (TensorProto 'input', float32 "
                    "[BATCH,3,299,299]). --images: the first COUNT photos of DIR (sorted). "
                    "--folder: a labelled ImageNet-style folder (one sub-folder per class), "
                    "written as test_data_set_K/{input_0.pb,labels.txt} for accuracy runs.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--images", metavar="DIR", help="folder of .jpg/.png photos")
    src.add_argument("--folder", metavar="DIR",
                     help="ImageNet-style folder: DIR/<class>/.../<image>, class index = "
                          "position of <class> in sorted order")
    p.add_argument("--count", type=int, default=None,
                   help="--images: number of images to use (default 16)")
    p.add_argument("--limit", type=int, default=None,
                   help="--folder: use N images spread evenly over the sorted list "
                        "(index i*len/N); default all")
    p.add_argument("--out", required=True, metavar="DATA_DIR", help="output folder")
    p.add_argument("--batch", type=int, default=None,
                   help="images per tensor. --images: default COUNT (one input_0.pb), must "
                        "divide COUNT. --folder: default 16; the last set may be smaller")
    args = p.parse_args(argv)
    if args.folder is not None:
        if args.count is not None:
            p.error("--count goes with --images; use --limit with --folder")
        if args.limit is not None and args.limit < 1:
            p.error(f"--limit must be >= 1, got {args.limit}")
        if args.batch is None:
            args.batch = 16
        if args.batch < 1:
            p.error(f"--batch must be >= 1, got {args.batch}")
        if not os.path.isdir(args.folder):
            p.error(f"--folder: not a directory: {args.folder}")
        return args
    if args.limit is not None:
        p.error("--limit goes with --folder; use --count with --images")
    if args.count is None:
        args.count = 16
    if args.count < 1:
        p.error(f"--count must be >= 1, got {args.count}")
    if args.batch is None:
        args.batch = args.count
    if args.batch < 1 or args.count % args.batch:
        p.error(f"--batch must be >= 1 and divide --count ({args.count}), got {args.batch}")
    if not os.path.isdir(args.images):
        p.error(f"--images: not a directory: {args.images}")
    return args


def list_images(folder, count):
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith(EXTS) and not n.startswith("."))
    if len(names) < count:
        die(f"{folder} has {len(names)} images (.jpg/.jpeg/.png), need {count}")
    return [os.path.join(folder, n) for n in names[:count]]


def list_labelled(folder):
    """[(path, label)] ordered by class, then path; and the sorted class names.

    Class folders are the sub-directories of `folder` (symlinks to directories
    count); images are regular files (or symlinks to them) with an image
    extension anywhere below a class folder, not following directory symlinks.
    """
    try:
        entries = os.listdir(folder)
    except OSError as e:
        die(f"cannot list {folder}: {e}")
    classes = sorted(n for n in entries if os.path.isdir(os.path.join(folder, n)))
    if not classes:
        die(f"{folder}: no class sub-folders (expected DIR/<class>/<image>)")
    items = []
    for label, name in enumerate(classes):
        files = []
        for root, _dirs, fnames in os.walk(os.path.join(folder, name)):
            for f in fnames:
                full = os.path.join(root, f)
                if f.lower().endswith(FOLDER_EXTS) and os.path.isfile(full):
                    files.append(full)
        files.sort()
        if not files:
            warn(f"class folder '{name}' has no images")
        items.extend((path, label) for path in files)
    return items, classes


def spread(items, limit):
    """`limit` items at positions i*len/limit (all of them if limit >= len)."""
    if limit is None or limit >= len(items):
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def preprocess(paths):
    import numpy as np
    from PIL import Image
    tf = eval_transform()
    Image.MAX_IMAGE_PIXELS = None  # some wallpapers are 5000+ pixels wide
    out = []
    for path in paths:
        try:
            with Image.open(path) as im:
                out.append(tf(im.convert("RGB")).numpy())
        except Exception as e:
            die(f"cannot read image {path}: {e}")
    return np.stack(out).astype(np.float32, copy=False)


def write_tensor(array, path):
    from onnx import numpy_helper
    tensor = numpy_helper.from_array(array, name="input")  # raw_data, little-endian
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.writelines(f"{line}\n" for line in lines)


def one_line(text):
    return " ".join(str(text).split()) or "unknown error"


def images_main(args):
    paths = list_images(args.images, args.count)
    data = preprocess(paths)
    os.makedirs(args.out, exist_ok=True)
    if args.batch == args.count:
        files = [os.path.join(args.out, "input_0.pb")]
    else:
        files = [os.path.join(args.out, f"test_data_set_{k}", "input_0.pb")
                 for k in range(args.count // args.batch)]
    for k, path in enumerate(files):
        write_tensor(data[k * args.batch:(k + 1) * args.batch], path)
    with open(os.path.join(args.out, "images.txt"), "w") as f:
        f.writelines(os.path.basename(p) + "\n" for p in paths)
    print(f"{args.out}: {len(files)} x input [{args.batch},3,299,299] float32 "
          f"from {args.count} images of {args.images}")


def folder_main(args):
    import numpy as np
    from PIL import Image
    import time

    t0 = time.monotonic()
    items, classes = list_labelled(args.folder)
    if not items:
        die(f"{args.folder}: no images (.jpg .jpeg .png .bmp .ppm .pgm) in {len(classes)} class folders")
    if args.limit is not None and args.limit > len(items):
        warn(f"--limit {args.limit} > {len(items)} images in {args.folder}; using all of them")
    picked = spread(items, args.limit)
    for name in os.listdir(args.out) if os.path.isdir(args.out) else []:
        if name.startswith("test_data_set_") or name == "input_0.pb":
            die(f"{args.out} already holds test data ({name}); use an empty or new folder")
    os.makedirs(args.out, exist_ok=True)
    write_lines(os.path.join(args.out, "classes.txt"), classes)
    write_lines(os.path.join(args.out, "images.txt"), (f"{p}\t{label}" for p, label in picked))

    tf = eval_transform()
    Image.MAX_IMAGE_PIXELS = None  # large photos are fine here
    skipped = []
    rows, labels, indices = [], [], []
    sets = 0

    def flush():
        nonlocal sets, rows, labels, indices
        d = os.path.join(args.out, f"test_data_set_{sets}")
        write_tensor(np.stack(rows).astype(np.float32, copy=False), os.path.join(d, "input_0.pb"))
        write_lines(os.path.join(d, "labels.txt"), labels)
        write_lines(os.path.join(d, "indices.txt"), indices)
        sets += 1
        rows, labels, indices = [], [], []

    for index, (path, label) in enumerate(picked):
        try:
            with Image.open(path) as im:
                rows.append(tf(im.convert("RGB")).numpy())
        except Exception as e:  # one bad file must not end the run
            reason = one_line(f"{type(e).__name__}: {e}")
            warn(f"skipping unreadable image {path}: {reason}")
            skipped.append(f"{path}\t{reason}")
            continue
        labels.append(label)
        indices.append(index)
        if len(rows) == args.batch:
            flush()
    if rows:
        flush()
    write_lines(os.path.join(args.out, "skipped.txt"), skipped)
    used = len(picked) - len(skipped)
    if used == 0:
        die(f"none of the {len(picked)} images of {args.folder} could be read (see {args.out}/skipped.txt)")
    print(f"{args.out}: {used} images in {sets} test_data_set_K of [<={args.batch},3,299,299] float32 "
          f"+ labels.txt, {len(classes)} classes, {len(skipped)} skipped, from {len(picked)} of "
          f"{len(items)} images in {args.folder} ({time.monotonic() - t0:.1f} s)")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.folder is not None:
        folder_main(args)
    else:
        images_main(args)


if __name__ == "__main__":
    main()
