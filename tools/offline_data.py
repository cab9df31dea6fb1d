"""Labelled crops of local photos, for export_torchvision.py --offline.

Every photo is one class (class k = k-th readable photo in sorted file-name
order). From each photo we cut random crops in the style of
RandomResizedCrop: a box covering a random fraction of the photo's area,
aspect ratio 3/4..4/3, position uniform, horizontally flipped half of the
time; the crop is downsized so its shorter side is at most 400 px and JPEG
encoded (quality 90). Three splits, each drawn from its own random stream
(seeded by seed, class and split), so changing one split's count leaves the
other splits' crops unchanged:

  train  kept in memory as JPEG bytes (fc fit; BatchNorm statistics of the seeded model)
  val    DIR/val/<class_dir>/<name>.jpg    held out, for accuracy
  calib  DIR/calib/<class_dir>/<name>.jpg  held out, for INT8 calibration

<class_dir> is c<k>_<sanitized stem>, so sorted folder names follow class
order; DIR/labels.txt holds one class name (photo stem) per line.
"""
import io
import math
import os
import re
import shutil
import sys
from dataclasses import dataclass, field

EXTS = (".jpg", ".jpeg", ".png")
SHORT_SIDE = 400        # crops are downsized to this shorter side (never upsized)
JPEG_QUALITY = 90
RATIO_RANGE = (3 / 4, 4 / 3)
SPLITS = ("train", "val", "calib")  # index = split id in the random stream seed
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def warn(msg):
    print(f"warning: {msg}", file=sys.stderr)


@dataclass
class Dataset:
    classes: list                               # class k's name (photo stem)
    class_dirs: list                            # class k's folder name
    train: list = field(default_factory=list)   # (jpeg bytes, label)
    val: list = field(default_factory=list)     # (path, label)
    calib: list = field(default_factory=list)   # (path, label)


def list_photos(folder):
    """Sorted photo paths of `folder` (LICENSES.md, hidden files etc. skipped)."""
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith(EXTS) and not n.startswith("."))
    return [os.path.join(folder, n) for n in names]


def open_rgb(path_or_file):
    """PIL image in RGB (grayscale, CMYK, palette and alpha images converted)."""
    from PIL import Image
    with Image.open(path_or_file) as im:
        return im.convert("RGB")  # convert() also forces the full decode


def class_dir_name(k, stem, num_classes):
    width = max(3, len(str(num_classes - 1)))  # zero padding keeps sorted == class order
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "photo"
    return f"c{k:0{width}d}_{safe}"


def sample_box(rng, width, height, area_range):
    """RandomResizedCrop-style box (left, top, w, h) inside width x height."""
    area = width * height
    log_lo, log_hi = (math.log(r) for r in RATIO_RANGE)
    for _ in range(10):
        target = area * rng.uniform(*area_range)
        ratio = math.exp(rng.uniform(log_lo, log_hi))
        w = int(round(math.sqrt(target * ratio)))
        h = int(round(math.sqrt(target / ratio)))
        if 0 < w <= width and 0 < h <= height:
            left = int(rng.integers(0, width - w + 1))
            top = int(rng.integers(0, height - h + 1))
            return left, top, w, h
    # Fallback (very elongated photos): central box of the middle area fraction.
    # The (short, long) sides stay in (width, height) orientation.
    side = math.sqrt(sum(area_range) / 2)
    w, h = max(1, int(width * side)), max(1, int(height * side))
    return (width - w) // 2, (height - h) // 2, w, h


def preshrink(img, area_min):
    """Downsize `img` once so that even the smallest crop keeps >= SHORT_SIDE px.

    The shorter side of a crop is at least sqrt(area_min * 3/4) times the
    photo's shorter side, so a photo larger than needed is shrunk first; the
    per-crop resize then works on far fewer pixels (big wallpapers are 6000 px).
    """
    from PIL import Image
    need = math.ceil(1.1 * SHORT_SIDE / math.sqrt(area_min * RATIO_RANGE[0]))
    short = min(img.size)
    if short <= need:
        return img
    scale = need / short
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.LANCZOS, reducing_gap=3.0)


def make_crop(img, rng, area_range):
    """One random crop of `img`, flipped half of the time, as JPEG bytes."""
    from PIL import Image
    left, top, w, h = sample_box(rng, img.width, img.height, area_range)
    crop = img.crop((left, top, left + w, top + h))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
    scale = SHORT_SIDE / min(w, h)
    if scale < 1:
        crop = crop.resize((max(1, round(w * scale)), max(1, round(h * scale))),
                           Image.LANCZOS)
    buf = io.BytesIO()
    crop.save(buf, format="JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def calib_counts(total, num_classes):
    """Spread `total` calibration crops over the classes (first ones get +1)."""
    base, extra = divmod(total, num_classes)
    return [base + (k < extra) for k in range(num_classes)]


MARKER = ".offline_data"  # marks a DIR this module may clean up


def prepare_out_dir(out_dir):
    """Create DIR; replace val/ and calib/ only if an earlier run made them."""
    os.makedirs(out_dir, exist_ok=True)
    marker = os.path.join(out_dir, MARKER)
    subdirs = [os.path.join(out_dir, sub) for sub in ("val", "calib")]
    if not os.path.exists(marker):
        for path in subdirs:
            if os.path.exists(path):
                raise RuntimeError(f"{path} exists but {out_dir} was not made by --offline "
                                   f"(no {MARKER} file); remove it or pick another dir")
        with open(marker, "w") as f:
            f.write("made by tools/export_torchvision.py --offline\n")
    for path in subdirs:
        if os.path.exists(path):
            shutil.rmtree(path)


def readable_photos(paths):
    """The paths PIL can fully decode; the others are skipped with a warning.

    Done up front so class indices are fixed before any crop is written. It
    decodes every photo twice overall (~5 s for 80 photos) but keeps only one
    full-size photo in memory at a time.
    """
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None  # some wallpapers are 5000+ pixels wide
    ok = []
    for path in paths:
        try:
            open_rgb(path)
        except Exception as e:  # PIL raises many exception types on bad files
            warn(f"skipping unreadable photo {path}: {type(e).__name__}: {e}")
            continue
        ok.append(path)
    return ok


def build_dataset(photos_dir, out_dir, seed, train_per_class, val_per_class,
                  calib_count, area_range):
    """Cut the crops, write val/, calib/ and labels.txt; return a Dataset."""
    import numpy as np
    paths = list_photos(photos_dir)
    photos = readable_photos(paths)
    n = len(photos)
    if n < 2:
        raise RuntimeError(f"{photos_dir}: need at least 2 readable photos, "
                           f"found {n} of {len(paths)}")
    stems = [os.path.splitext(os.path.basename(p))[0] for p in photos]
    data = Dataset(classes=stems,
                   class_dirs=[class_dir_name(k, s, n) for k, s in enumerate(stems)])
    per_split = {"train": [train_per_class] * n, "val": [val_per_class] * n,
                 "calib": calib_counts(calib_count, n)}
    prepare_out_dir(out_dir)
    for k, path in enumerate(photos):
        img = preshrink(open_rgb(path), area_range[0])
        for split_id, split in enumerate(SPLITS):
            rng = np.random.default_rng([seed, k, split_id])
            for i in range(per_split[split][k]):
                jpeg = make_crop(img, rng, area_range)
                if split == "train":
                    data.train.append((jpeg, k))
                else:
                    crop_path = _write_crop(out_dir, split, data.class_dirs[k], i, jpeg)
                    getattr(data, split).append((crop_path, k))
    with open(os.path.join(out_dir, "labels.txt"), "w") as f:
        f.writelines(s + "\n" for s in stems)
    return data


def _write_crop(out_dir, split, class_dir, index, jpeg):
    folder = os.path.join(out_dir, split, class_dir)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{class_dir}_{split}{index:03d}.jpg")
    with open(path, "wb") as f:
        f.write(jpeg)
    return path


def write_readme(out_dir, photos_dir, data, seed, area_range, backbone, extra=""):
    """README.txt (how the data was made) and a copy of the photos' LICENSES.md."""
    text = (
        f"Offline Inception V3 task made by tools/export_torchvision.py --offline "
        f"(seed {seed}). Each of the {len(data.classes)} photos in {photos_dir} "
        f"is one class (class k = k-th photo in sorted file-name order, named on "
        f"line k of labels.txt). Random crops (area fraction {area_range[0]:g}-"
        f"{area_range[1]:g} of the photo, aspect 3/4-4/3, random horizontal flip, "
        f"shorter side downsized to <= {SHORT_SIDE} px, JPEG quality {JPEG_QUALITY}) "
        f"form three disjoint sets: {len(data.train)} train crops (in memory only; "
        f"used to fit the final fc layer on the features of the backbone: {backbone}), "
        f"{len(data.val)} validation crops in val/ and "
        f"{len(data.calib)} calibration crops in calib/ (neither used for fitting). "
        f"Folders are c<k>_<photo stem>; class index = position of the folder name "
        f"in sorted order. Preprocessing: torchvision Inception V3 eval transforms "
        f"(Resize 342 bilinear, CenterCrop 299, ImageNet mean/std).{extra} "
        f"Photo licenses: LICENSES.md.\n")
    with open(os.path.join(out_dir, "README.txt"), "w") as f:
        f.write(text)
    lic = os.path.join(photos_dir, "LICENSES.md")
    if os.path.isfile(lic):
        shutil.copyfile(lic, os.path.join(out_dir, "LICENSES.md"))
    else:
        warn(f"{lic} not found; no license file copied")


def eval_transform():
    """torchvision's Inception V3 eval preprocessing (after convert('RGB'))."""
    from torchvision import transforms
    return transforms.Compose([
        transforms.Resize(342, interpolation=transforms.InterpolationMode.BILINEAR,
                          antialias=True),
        transforms.CenterCrop(299),
        transforms.ToTensor(),
        transforms.Normalize(mean=MEAN, std=STD),
    ])


def load_batch(sources, transform):
    """Stack preprocessed images; a source is a path or JPEG bytes."""
    import torch
    tensors = []
    for src in sources:
        f = io.BytesIO(src) if isinstance(src, bytes) else src
        tensors.append(transform(open_rgb(f)))
    return torch.stack(tensors)
