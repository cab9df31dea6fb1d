#!/usr/bin/python3
"""Export torchvision's Inception V3 to ONNX.

The exported graph has one input `input` [batch, 3, 299, 299] (float32) and
one output `logits` [batch, num_classes]; `batch` is a dynamic dimension.
Weights come from a seeded random init (default), a torchvision state dict
(--weights FILE), torchvision's IMAGENET1K_V1 download (--pretrained, needs
internet or a copy in torch's hub cache), or --offline PHOTOS_DIR.

--offline makes a small but genuine classifier without downloads: each photo
of PHOTOS_DIR is one class; random crops of the photos (see offline_data.py)
fit the final fc layer (logistic regression on the 2048 pooled features).
The backbone is either a trained Keras InceptionV3 (--keras-dump DIR, see
keras_port.py; its BatchNorm statistics are kept) or a seeded random init
whose BatchNorm statistics are re-estimated on the crops (a plain random init
is numerically useless: its activations explode). Held-out validation and
calibration crops are written to --data-out DIR (ImageNet-style folders),
with labels.txt, README.txt, LICENSES.md and offline_summary.json.

Examples:
  tools/export_torchvision.py --out /tmp/iv3.onnx
  tools/export_torchvision.py --out /tmp/iv3_bn.onnx --opset 17 --keep-batchnorm
  tools/export_torchvision.py --out /tmp/iv3.onnx --weights inception_v3.pth
  tools/export_torchvision.py --offline /tmp/photos --data-out /tmp/offline \
      --keras-dump /tmp/nsfwjs/dump --out /tmp/offline/iv3_trained.onnx
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
                   help="L2 penalty of the fc fit, on the scaled features (default 1e-3)")
    g.add_argument("--keras-dump", metavar="DIR",
                   help="take the backbone from a trained Keras InceptionV3 (tools/tfjs_dump.js "
                        "output of the nsfwjs package) instead of the seeded init; BatchNorm "
                        "statistics are kept, only fc is fitted")
    g.add_argument("--fc-scaling", choices=("global", "per-feature"), default="global",
                   help="how features are scaled for the fc fit: one global factor (default) "
                        "or per feature (gives near-constant features huge weights)")
    g.add_argument("--out-per-feature", metavar="FILE",
                   help="also export the same backbone with fc fitted on per-feature "
                        "standardised features (the 'one layer ruins INT8' model)")


def check_offline_args(p, args):
    if not args.offline:
        for name in ("data_out", "keras_dump", "out_per_feature"):
            if getattr(args, name):
                p.error(f"--{name.replace('_', '-')} needs --offline")
        return
    if args.keras_dump and not os.path.isdir(args.keras_dump):
        p.error(f"--keras-dump: not a directory: {args.keras_dump}")
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


def fit_linear(x, y, num_classes, l2, scaling, max_iter=FIT_ITERS):
    """Multinomial logistic regression; returns (weight [P, D], bias [P]).

    Minimises mean cross-entropy + l2/2 * |W|^2 on centred, scaled features with full-batch
    L-BFGS (gradient written out, so both big products go through matmul_nt), then folds the
    centring and scaling back so that logits = x @ weight.T + bias on the raw features.
    scaling "global" divides every feature by one factor (the features' overall RMS);
    "per-feature" standardises each feature on its own, which hands near-constant features
    enormous raw weights (|w| ~ 1e4 on a trained backbone): a classifier 8-bit weights cannot
    represent, kept as the "one layer ruins INT8" test model.
    """
    import torch
    x64 = x.double()
    mu = x64.mean(0)
    if scaling == "per-feature":
        sd = x64.std(0).clamp_min(1e-6)
    else:
        sd = ((x64 - mu) ** 2).mean().sqrt().clamp_min(1e-6).expand(x64.shape[1])
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


def fit_classifier(model, data, args, log, scaling):
    """Features of the train/val crops, then the fc fit; returns (features, report dict)."""
    import torch
    tf = offline_data.eval_transform()
    t = time.time()
    x_train, logits = forward_fc_inputs(model, [j for j, _ in data.train], tf)
    x_val, _ = forward_fc_inputs(model, [p for p, _ in data.val], tf)
    t_feat = time.time() - t
    log(f"  features of {len(x_train)} train + {len(x_val)} val crops: {t_feat:.0f} s")
    log("  " + stats_line("features", x_train))
    feats = dict(x_train=x_train, x_val=x_val, y_train=torch.tensor([k for _, k in data.train]),
                 y_val=torch.tensor([k for _, k in data.val]))
    report = set_fc(model, feats, len(data.classes), args.l2, scaling, log)
    report["seconds_features"] = round(t_feat, 1)
    return feats, report


def set_fc(model, feats, num_classes, l2, scaling, log):
    """Fits fc on the train features with `scaling` and writes it into `model`."""
    t = time.time()
    weight, bias = fit_linear(feats["x_train"], feats["y_train"], num_classes, l2, scaling)
    import torch
    with torch.no_grad():
        model.fc.weight.copy_(weight)
        model.fc.bias.copy_(bias)
        train_logits, val_logits = model.fc(feats["x_train"]), model.fc(feats["x_val"])
    log(f"  fc fit ({scaling} feature scaling): {time.time() - t:.0f} s, max |w| "
        f"{weight.abs().max():.3g}; " + stats_line("val logits", val_logits))
    return {
        "fc_scaling": scaling, "fc_max_abs_weight": round(weight.abs().max().item(), 4),
        "train_top1": topk_accuracy(train_logits, feats["y_train"], 1),
        "val_top1": topk_accuracy(val_logits, feats["y_val"], 1),
        "val_top5": topk_accuracy(val_logits, feats["y_val"], 5),
        "seconds_fit": round(time.time() - t, 1),
    }


def seeded_backbone(model, data, args, log):
    """The chaotic proxy: a seeded random init with BatchNorm statistics re-estimated."""
    tf = offline_data.eval_transform()
    _, logits = forward_fc_inputs(model, [p for p, _ in data.val[:8]], tf)
    log("  " + stats_line("random init logits (8 val crops)", logits))
    t = time.time()
    bn_src = [jpeg for i, (jpeg, _) in enumerate(data.train)
              if i % args.train_per_class < args.bn_per_class]
    reestimate_batchnorm(model, bn_src, tf, args.seed)
    log(f"  BatchNorm statistics from {len(bn_src)} train crops: {time.time() - t:.0f} s")
    return {"backbone": f"seeded random init (seed {args.seed}), BatchNorm re-estimated",
            "bn_images": len(bn_src)}


def trained_backbone(model, args, photos, log):
    """The trained default: the Keras InceptionV3 backbone of --keras-dump, checked by its own
    5-class head on the whole photos (the port is right when >= keras_port.MIN_NEUTRAL of these
    ordinary photos come out 'neutral'; tests/e2e/port_sanity.py checks it can fail)."""
    import keras_port
    try:
        layers, weights = keras_port.load_dump(args.keras_dump)
        units = keras_port.port_backbone(model, layers, weights)
        head = keras_port.keras_head(layers, weights)
    except (keras_port.PortError, KeyError, OSError, ValueError) as e:
        die(f"--keras-dump {args.keras_dump}: {e}")
    feats, _ = forward_fc_inputs(model, photos, offline_data.eval_transform())
    labels = keras_port.head_probs(feats.numpy(), head).argmax(axis=1)
    neutral = float((labels == keras_port.NEUTRAL).mean())
    log(f"  ported {units} conv+BN units; the package's head calls {neutral:.1%} of the "
        f"{len(photos)} photos 'neutral'")
    if neutral < keras_port.MIN_NEUTRAL:
        die(f"port sanity check failed: only {neutral:.1%} of the photos are 'neutral' "
            f"(need >= {keras_port.MIN_NEUTRAL:.0%}); the weights went into the wrong places")
    return {"backbone": f"Keras InceptionV3 from {os.path.abspath(args.keras_dump)}",
            "port_units": units, "port_neutral_fraction": neutral}


def build_offline_model(args):
    """Crops -> backbone (trained port, or seeded init with BatchNorm re-estimated) -> fc fit.

    Returns (model, source description, summary dict for offline_summary.json, features).
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
    trained = bool(args.keras_dump)
    model = inception_v3(weights=None, aux_logits=not trained, init_weights=not trained,
                         transform_input=trained or args.transform_input,
                         num_classes=len(data.classes))
    model.eval().to(memory_format=torch.channels_last)  # ~1.6x faster convs on CPU
    if trained:
        backbone = trained_backbone(model, args, offline_data.list_photos(args.offline), log)
    else:
        backbone = seeded_backbone(model, data, args, log)
    feats, report = fit_classifier(model, data, args, log, args.fc_scaling)
    model.to(memory_format=torch.contiguous_format)  # export in the default layout
    log(f"  train top-1 {report['train_top1']:.1%}, val top-1 {report['val_top1']:.1%}, "
        f"val top-5 {report['val_top5']:.1%}")
    summary = dict(
        seed=args.seed, photos_dir=os.path.abspath(args.offline),
        photos=len(data.classes), classes=len(data.classes),
        train=len(data.train), val=len(data.val), calib=len(data.calib),
        crop_area=list(args.crop_area), l2=args.l2, seconds_crops=round(t_crops, 1),
        **backbone, **report)
    offline_data.write_readme(
        args.data_out, args.offline, data, args.seed, tuple(args.crop_area),
        backbone=backbone["backbone"],
        extra=f" PyTorch accuracy of the exported model: train top-1 "
              f"{report['train_top1']:.1%}, val top-1 {report['val_top1']:.1%}, "
              f"val top-5 {report['val_top5']:.1%}.")
    source = f"offline fit to {len(data.classes)} photos, {backbone['backbone']}"
    return model, source, summary, dict(feats, classes=len(data.classes))


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

    summary = features = None
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
        aux = any(k.startswith("AuxLogits.") for k in sd)  # the trained port has no aux head
        model = inception_v3(weights=None, aux_logits=aux, init_weights=False,
                             transform_input=True, num_classes=num_classes)
        try:
            model.load_state_dict(sd)
        except RuntimeError as e:
            first = str(e).strip().splitlines()
            die(f"{args.weights} does not match Inception V3: {' '.join(first[:3])}")
        source = f"weights {args.weights}"
    elif args.offline:
        model, source, summary, features = build_offline_model(args)
    else:
        torch.manual_seed(args.seed)
        model = inception_v3(weights=None, aux_logits=True, init_weights=True,
                             transform_input=args.transform_input)
        source = f"random init seed {args.seed}"
    if args.transform_input:
        model.transform_input = True
    model.eval()
    return model, source, summary, features


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


def export_checked(model, args, path, source, t0):
    """Exports to `path` through a temporary file (an existing file survives a failure)."""
    tmp = path + ".tmp"
    try:
        export(model, args, tmp)
        nodes, bns = check(args, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    size_mb = os.path.getsize(path) / 1e6
    bn = f"{bns} BatchNormalization kept" if args.keep_batchnorm else "BatchNorm folded"
    print(f"{path}: opset {args.opset}, {size_mb:.1f} MB, {nodes} nodes, {bn}, "
          f"transform_input={model.transform_input}, {source}, {time.time() - t0:.1f} s")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.time()
    model, source, summary, features = build_model(args)
    export_checked(model, args, args.out, source, t0)
    if args.save_weights:
        import torch
        torch.save(model.state_dict(), args.save_weights)
    if args.out_per_feature:  # same backbone, the classifier fitted on standardised features
        log = lambda msg: print(msg, flush=True)
        summary["per_feature"] = dict(
            set_fc(model, features, features["classes"], args.l2, "per-feature", log),
            onnx=args.out_per_feature)
        export_checked(model, args, args.out_per_feature, source + ", per-feature fc", t0)
    if args.offline:
        write_offline_summary(args, summary, time.time() - t0)


if __name__ == "__main__":
    main()
