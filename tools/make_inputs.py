#!/usr/bin/python3
"""Turn photos into Inception V3 input tensors, stored as ONNX test data.

Takes the first COUNT images (.jpg/.jpeg/.png) of DIR in sorted file-name
order and applies torchvision's Inception V3 preprocessing: PIL open,
convert('RGB'), Resize(342) (bilinear, antialiased), CenterCrop(299),
ToTensor, Normalize(ImageNet mean/std). The result, float32
[BATCH, 3, 299, 299], is written as a TensorProto named `input`:

  BATCH == COUNT: DATA_DIR/input_0.pb
  BATCH <  COUNT: DATA_DIR/test_data_set_K/input_0.pb, K = 0 .. COUNT/BATCH-1

DATA_DIR/images.txt lists the images used, in order.

Example:
  tools/make_inputs.py --images /tmp/photos --count 16 --out /tmp/iv3_data
"""
import argparse
import os
import sys

PROG = "make_inputs.py"
EXTS = (".jpg", ".jpeg", ".png")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Preprocess the first COUNT images of DIR (sorted) for Inception V3 "
                    "and write them as ONNX test data (TensorProto 'input', float32 "
                    "[BATCH,3,299,299]).")
    p.add_argument("--images", required=True, metavar="DIR", help="folder of .jpg/.png photos")
    p.add_argument("--count", type=int, default=16, help="number of images to use (default 16)")
    p.add_argument("--out", required=True, metavar="DATA_DIR", help="output folder")
    p.add_argument("--batch", type=int, default=None,
                   help="images per tensor (default: COUNT, i.e. one input_0.pb); "
                        "must divide COUNT")
    args = p.parse_args(argv)
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


def preprocess(paths):
    import numpy as np
    from PIL import Image
    from torchvision import transforms
    tf = transforms.Compose([
        transforms.Resize(342, interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.CenterCrop(299),
        transforms.ToTensor(),
        transforms.Normalize(mean=MEAN, std=STD),
    ])
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


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
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


if __name__ == "__main__":
    main()
