#!/usr/bin/python3
"""Export torchvision's Inception V3 to ONNX.

The exported graph has one input `input` [batch, 3, 299, 299] (float32) and
one output `logits` [batch, num_classes]; `batch` is a dynamic dimension.
Weights come from a seeded random init (default), a torchvision state dict
(--weights FILE), torchvision's IMAGENET1K_V1 download (--pretrained, needs
internet or a copy in torch's hub cache), or --offline PHOTOS_DIR.

A plain random init is numerically useless (its BatchNorm running statistics
are the defaults, so activations explode). --offline turns it into a small
but genuine classifier without downloads: each photo of PHOTOS_DIR is one
class; random crops of the photos (see offline_data.py) re-estimate the
BatchNorm statistics of the seeded random init and fit the final fc layer
(logistic regression on the 2048 pooled features). Held-out validation and
calibration crops are written to --data-out DIR (ImageNet-style folders),
with labels.txt, README.txt, LICENSES.md and offline_summary.json.

Examples:
  tools/export_torchvision.py --out /tmp/iv3.onnx
  tools/export_torchvision.py --out /tmp/iv3_bn.onnx --opset 17 --keep-batchnorm
  tools/export_torchvision.py --out /tmp/iv3.onnx --weights inception_v3.pth
  tools/export_torchvision.py --offline /tmp/photos --data-out /tmp/offline \
      --out /tmp/offline/iv3_offline.onnx
"""
import argparse
import json
import os
import sys
import time

import offline_data  # tools/offline_data.py (this script's directory is on sys.path)

PROG = "export_torchvision.py"
MIN_OPSET, MAX_OPSET = 7, 17  # what torch 1.13's exporter supports


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Export torchvision Inception V3 (eval mode) to ONNX with a "
                    "dynamic batch dimension (input 'input', output 'logits').")
    p.add_argument("--out", required=True, metavar="FILE", help="output .onnx path")
    p.add_argument("--opset", type=int, default=13,
                   help=f"ONNX opset, {MIN_OPSET}..{MAX_OPSET} (default 13)")
    p.add_argument("--seed", type=int, default=0,
                   help="torch.manual_seed for the random init (default 0)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--weights", metavar="FILE",
                     help="load this torchvision Inception V3 state dict "
                          "(implies transform_input=True, as for torchvision's weights)")
    src.add_argument("--pretrained", action="store_true",
                     help="use torchvision's IMAGENET1K_V1 weights (downloads them; "
                          "needs internet unless already in torch's hub cache)")
    src.add_argument("--offline", metavar="PHOTOS_DIR",
                     help="make a photo-identification task from the photos of "
                          "PHOTOS_DIR (one class per photo) and fit the random init "
                          "to it (BatchNorm statistics + fc); needs --data-out")
    add_offline_args(p)
    p.add_argument("--transform-input", action="store_true",
                   help="set transform_input=True even for the random init")
    p.add_argument("--save-weights", metavar="FILE",
                   help="also save the model's state dict (e.g. to re-export the offline model "
                        "at another opset with --weights)")
    p.add_argument("--keep-batchnorm", action="store_true",
                   help="keep BatchNormalization nodes (inference form) instead of "
                        "folding them into the convolutions")
    args = p.parse_args(argv)
    if not MIN_OPSET <= args.opset <= MAX_OPSET:
        p.error(f"--opset must be in {MIN_OPSET}..{MAX_OPSET}, got {args.opset}")
    if args.weights and not os.path.isfile(args.weights):
        p.error(f"--weights: no such file: {args.weights}")
    check_offline_args(p, args)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    made_later = args.data_out and out_dir == os.path.abspath(args.data_out)  # --offline
    if not os.path.isdir(out_dir) and not made_later:
        p.error(f"--out: directory does not exist: {out_dir}")
    return args


def load_state_dict(path):
    import torch
    try:
        sd = torch.load(path, map_location="cpu")
    except Exception as e:  # pickle/zip errors come in many types
        die(f"cannot read state dict {path}: {e}")
    if isinstance(sd, dict) and "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    if not isinstance(sd, dict) or "fc.weight" not in sd:
        die(f"{path} is not an Inception V3 state dict (no 'fc.weight')")
    return sd


def add_offline_args(p):
    g = p.add_argument_group("--offline options")
    g.add_argument("--data-out", metavar="DIR",
                   help="where val/, calib/, labels.txt, README.txt, LICENSES.md and "
                        "offline_summary.json go")
    g.add_argument("--train-per-class", type=int, default=10,
                   help="train crops per photo (default 10)")
    g.add_argument("--val-per-class", type=int, default=12,
                   help="validation crops per photo (default 12)")
    g.add_argument("--calib-count", type=int, default=1000,
                   help="calibration crops in total, spread over the photos (default 1000)")
    g.add_argument("--bn-per-class", type=int, default=5,
                   help="train crops per photo used for the BatchNorm statistics "
                        "(default 5; all train crops are used for the fc fit)")
    g.add_argument("--crop-area", type=float, nargs=2, default=(0.03, 0.15),
                   metavar=("MIN", "MAX"),
                   help="crop area as a fraction of the photo (default 0.03 0.15); "
                        "smaller crops make the task harder")
    g.add_argument("--l2", type=float, default=1e-3,
                   help="L2 penalty of the fc fit, on standardized features (default 1e-3)")


def check_offline_args(p, args):
    if not args.offline:
        if args.data_out:
            p.error("--data-out needs --offline")
        return
    if not os.path.isdir(args.offline):
        p.error(f"--offline: not a directory: {args.offline}")
    if not args.data_out:
        p.error("--offline needs --data-out DIR")
    for name in ("train_per_class", "val_per_class", "bn_per_class"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.calib_count < 0:
        p.error("--calib-count must be >= 0")
    args.bn_per_class = min(args.bn_per_class, args.train_per_class)
    lo, hi = args.crop_area
    if not 0 < lo <= hi <= 1:
        p.error(f"--crop-area needs 0 < MIN <= MAX <= 1, got {lo} {hi}")
    if args.l2 < 0:
        p.error("--l2 must be >= 0")


BATCH = 16     # inference batch (features, evaluation)
BN_BATCH = 32  # batch for the BatchNorm statistics (larger = steadier batch stats)
FIT_ITERS = 300  # L-BFGS iterations of the fc fit


def forward_fc_inputs(model, sources, transform, batch=BATCH):
    """Run `model` on the images; return (fc inputs [N, 2048], logits [N, P])."""
    import torch
    feats, logits = [], []
    hook = model.fc.register_forward_hook(lambda m, inp, out: feats.append(inp[0]))
    try:
        with torch.no_grad():
            for i in range(0, len(sources), batch):
                x = offline_data.load_batch(sources[i:i + batch], transform)
                logits.append(model(x.contiguous(memory_format=torch.channels_last)))
    finally:
        hook.remove()
    return torch.cat(feats), torch.cat(logits)


def reestimate_batchnorm(model, sources, transform, seed):
    """Replace every BatchNorm's running stats by their mean over `sources`.

    BN layers run in training mode (batch statistics, momentum=None = plain
    cumulative average); everything else stays in eval mode (no dropout, no
    aux head). Images are shuffled so every batch mixes classes: the average
    of per-batch variances only matches the data's variance if batch means
    barely differ.
    """
    import numpy as np
    import torch
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None
        bn.train()
    order = np.random.default_rng([seed, 99]).permutation(len(sources))  # 99: own stream
    n_batches = max(1, round(len(sources) / BN_BATCH))
    with torch.no_grad():
        for idx in np.array_split(order, n_batches):  # near-equal batch sizes
            x = offline_data.load_batch([sources[i] for i in idx], transform)
            model(x.contiguous(memory_format=torch.channels_last))
    model.eval()


def matmul_nt(a, b):
    """a @ b.T in float32, through oneDNN when available.

    Debian's torch links the reference BLAS (~1 GFLOP/s here), so plain
    matmuls would make the fc fit take minutes; oneDNN's inner product is ~8x
    faster. Convolutions already use oneDNN.
    """
    import torch
    if torch.backends.mkldnn.is_available():
        return torch._C._nn.mkldnn_linear(a.to_mkldnn(), b.to_mkldnn(), None).to_dense()
    return a @ b.T


def fit_linear(x, y, num_classes, l2, max_iter=FIT_ITERS):
    """Multinomial logistic regression; returns (weight [P, D], bias [P]).

    Minimises mean cross-entropy + l2/2 * |W|^2 on standardized features with
    full-batch L-BFGS (gradient written out, so both big products go through
    matmul_nt), then folds the standardization back so that
    logits = x @ weight.T + bias on the raw features.
    """
    import torch
    x64 = x.double()
    mu, sd = x64.mean(0), x64.std(0).clamp_min(1e-6)
    z = ((x64 - mu) / sd).float()
    zt = z.T.contiguous()
    onehot = torch.nn.functional.one_hot(y, num_classes).float()
    w = torch.zeros(num_classes, z.shape[1], requires_grad=True)
    b = torch.zeros(num_classes, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter, history_size=20,
                            tolerance_grad=1e-6, tolerance_change=1e-9,
                            line_search_fn="strong_wolfe")

    def closure():
        with torch.no_grad():
            logp = torch.log_softmax(matmul_nt(z, w) + b, dim=1)
            loss = -(logp * onehot).sum() / len(z) + 0.5 * l2 * (w * w).sum()
            g = (logp.exp() - onehot) / len(z)  # d loss / d logits
            w.grad = matmul_nt(g.T.contiguous(), zt) + l2 * w
            b.grad = g.sum(0)
        return loss

    opt.step(closure)
    with torch.no_grad():
        weight = w.double() / sd
        bias = b.double() - weight @ mu
    return weight.float(), bias.float()


def topk_accuracy(logits, y, k):
    k = min(k, logits.shape[1])
    hits = (logits.topk(k, dim=1).indices == y[:, None]).any(dim=1)
    return hits.double().mean().item()


def stats_line(name, t):
    return f"{name}: mean {t.mean():.3g}, std {t.std():.3g}, max |x| {t.abs().max():.3g}"


def train_offline(model, data, args, log):
    """Re-estimate BatchNorm and fit fc on the train crops; return a report dict."""
    import torch
    tf = offline_data.eval_transform()
    model.eval().to(memory_format=torch.channels_last)  # ~1.6x faster convs on CPU
    _, logits = forward_fc_inputs(model, [p for p, _ in data.val[:8]], tf)
    log("  " + stats_line("random init logits (8 val crops)", logits))

    t = time.time()
    bn_src = [jpeg for i, (jpeg, _) in enumerate(data.train)
              if i % args.train_per_class < args.bn_per_class]
    reestimate_batchnorm(model, bn_src, tf, args.seed)
    t_bn = time.time() - t
    log(f"  BatchNorm statistics from {len(bn_src)} train crops: {t_bn:.0f} s")

    t = time.time()
    y_train = torch.tensor([k for _, k in data.train])
    y_val = torch.tensor([k for _, k in data.val])
    x_train, logits = forward_fc_inputs(model, [j for j, _ in data.train], tf)
    x_val, _ = forward_fc_inputs(model, [p for p, _ in data.val], tf)
    t_feat = time.time() - t
    log(f"  features of {len(x_train)} train + {len(x_val)} val crops: {t_feat:.0f} s")
    log("  " + stats_line("features", x_train))
    log("  " + stats_line("logits before fc fit (train)", logits))

    t = time.time()
    weight, bias = fit_linear(x_train, y_train, len(data.classes), args.l2)
    with torch.no_grad():
        model.fc.weight.copy_(weight)
        model.fc.bias.copy_(bias)
        train_logits, val_logits = model.fc(x_train), model.fc(x_val)
    t_fit = time.time() - t
    log("  " + stats_line("logits after fc fit (val)", val_logits))
    model.to(memory_format=torch.contiguous_format)  # export in the default layout
    return {
        "train_top1": topk_accuracy(train_logits, y_train, 1),
        "val_top1": topk_accuracy(val_logits, y_val, 1),
        "val_top5": topk_accuracy(val_logits, y_val, 5),
        "seconds_bn": round(t_bn, 1), "seconds_features": round(t_feat, 1),
        "seconds_fit": round(t_fit, 1),
    }


def build_offline_model(args):
    """Crops -> seeded random init -> BatchNorm + fc fitted.

    Returns (model, source description, summary dict for offline_summary.json).
    """
    import torch
    from torchvision.models import inception_v3
    torch.set_num_threads(2)
    log = lambda msg: print(msg, flush=True)
    t0 = time.time()
    log(f"offline: cutting crops of {args.offline} into {args.data_out}")
    try:
        data = offline_data.build_dataset(
            args.offline, args.data_out, args.seed, args.train_per_class,
            args.val_per_class, args.calib_count, tuple(args.crop_area))
    except (RuntimeError, OSError) as e:
        die(str(e))
    t_crops = time.time() - t0
    log(f"  {len(data.classes)} classes, {len(data.train)} train / {len(data.val)} val / "
        f"{len(data.calib)} calib crops: {t_crops:.0f} s")
    torch.manual_seed(args.seed)
    model = inception_v3(weights=None, aux_logits=True, init_weights=True,
                         transform_input=args.transform_input,
                         num_classes=len(data.classes))
    report = train_offline(model, data, args, log)
    log(f"  fc fit: {report['seconds_fit']:.0f} s; train top-1 {report['train_top1']:.1%}, "
        f"val top-1 {report['val_top1']:.1%}, val top-5 {report['val_top5']:.1%}")
    summary = dict(
        seed=args.seed, photos_dir=os.path.abspath(args.offline),
        photos=len(data.classes), classes=len(data.classes),
        train=len(data.train), val=len(data.val), calib=len(data.calib),
        bn_images=args.bn_per_class * len(data.classes),
        crop_area=list(args.crop_area), l2=args.l2, seconds_crops=round(t_crops, 1),
        **report)
    offline_data.write_readme(
        args.data_out, args.offline, data, args.seed, tuple(args.crop_area),
        extra=f" PyTorch accuracy of the exported model: train top-1 "
              f"{report['train_top1']:.1%}, val top-1 {report['val_top1']:.1%}, "
              f"val top-5 {report['val_top5']:.1%}.")
    return model, f"offline fit to {len(data.classes)} photos, seed {args.seed}", summary


def write_offline_summary(args, summary, seconds):
    summary = dict(summary, seconds=round(seconds, 1), onnx=args.out)
    with open(os.path.join(args.data_out, "offline_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    r = summary
    print(f"offline: {r['classes']} classes, train/val/calib {r['train']}/{r['val']}/"
          f"{r['calib']}, train top-1 {r['train_top1']:.1%}, val top-1 {r['val_top1']:.1%}, "
          f"val top-5 {r['val_top5']:.1%}, {r['seconds']:.0f} s -> {args.data_out}")


def build_model(args):
    """Returns (model in eval mode, source description, offline summary or None)."""
    import torch
    from torchvision.models import inception_v3

    summary = None
    if args.pretrained:
        from torchvision.models import Inception_V3_Weights
        try:
            model = inception_v3(weights=Inception_V3_Weights.IMAGENET1K_V1, aux_logits=True)
        except Exception as e:
            die("--pretrained needs torchvision's IMAGENET1K_V1 download, which failed "
                f"(no internet?): {type(e).__name__}: {e}. "
                "Use --weights FILE with a local copy instead.")
        source = "torchvision IMAGENET1K_V1"
    elif args.weights:
        sd = load_state_dict(args.weights)
        num_classes = sd["fc.weight"].shape[0]
        model = inception_v3(weights=None, aux_logits=True, init_weights=False,
                             transform_input=True, num_classes=num_classes)
        try:
            model.load_state_dict(sd)
        except RuntimeError as e:
            first = str(e).strip().splitlines()
            die(f"{args.weights} does not match Inception V3: {' '.join(first[:3])}")
        source = f"weights {args.weights}"
    elif args.offline:
        model, source, summary = build_offline_model(args)
    else:
        torch.manual_seed(args.seed)
        model = inception_v3(weights=None, aux_logits=True, init_weights=True,
                             transform_input=args.transform_input)
        source = f"random init seed {args.seed}"
    if args.transform_input:
        model.transform_input = True
    model.eval()
    return model, source, summary


def export(model, args, path):
    import warnings
    import torch
    # PRESERVE warns about constant folding even for a model in eval mode;
    # folding only touches shape arithmetic here, never the BatchNorm params.
    warnings.filterwarnings("ignore", message="It is recommended that constant folding")
    dummy = torch.zeros(2, 3, 299, 299)  # batch 2 so nothing specialises on batch 1
    kwargs = dict(
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=args.opset, do_constant_folding=True)
    if args.keep_batchnorm:
        # EVAL mode runs the exporter's Conv+BatchNorm fusion; PRESERVE skips it
        # and, with the model in eval mode, emits inference-form BatchNormalization.
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    else:
        kwargs["training"] = torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, **kwargs)


def check(args, path):
    """Validate the file; return (node count, BatchNormalization count)."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    bns = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
    if args.keep_batchnorm:
        if not bns:
            die(f"{args.out}: --keep-batchnorm export has no BatchNormalization node")
        for n in bns:
            training = [a.i for a in n.attribute if a.name == "training_mode"]
            if len(n.output) != 1 or any(training):
                die(f"{args.out}: BatchNormalization {n.name} is not in inference form")
    elif bns:
        die(f"{args.out}: {len(bns)} BatchNormalization nodes were not folded")
    inits = {t.name for t in m.graph.initializer}  # opset < 9 lists them as inputs too
    names = ([i.name for i in m.graph.input if i.name not in inits],
             [o.name for o in m.graph.output])
    if names != (["input"], ["logits"]):
        die(f"{args.out}: unexpected graph inputs/outputs {names}")
    return len(m.graph.node), len(bns)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.time()
    model, source, summary = build_model(args)
    tmp = args.out + ".tmp"
    try:
        export(model, args, tmp)
        nodes, bns = check(args, tmp)
        os.replace(tmp, args.out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if args.save_weights:
        import torch
        torch.save(model.state_dict(), args.save_weights)
    size_mb = os.path.getsize(args.out) / 1e6
    bn = f"{bns} BatchNormalization kept" if args.keep_batchnorm else "BatchNorm folded"
    print(f"{args.out}: opset {args.opset}, {size_mb:.1f} MB, {nodes} nodes, {bn}, "
          f"transform_input={model.transform_input}, {source}, {time.time() - t0:.1f} s")
    if args.offline:
        write_offline_summary(args, summary, time.time() - t0)


if __name__ == "__main__":
    main()
