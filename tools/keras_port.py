"""Port a trained Keras InceptionV3 (TF.js layers format, as `tfjs_dump.js` writes it) into
torchvision's Inception3.

keras.applications' InceptionV3 and torchvision's Inception3 are the same network: 94 units of
Conv (no bias) + BatchNorm + ReLU, created in the same order, with the same concat order in every
block and no aux head on the Keras side. Keras kernels are [kh, kw, in, out] (torch: [out, in,
kh, kw]); its BatchNorm has scale=False (gamma = 1) and epsilon 1e-3 (torchvision's BasicConv2d
uses eps=0.001 too). Every unit's kernel size, stride, padding and channel counts are checked
against the torchvision module it goes into; any mismatch is an error, never a silent skip.

What is not identical: Keras' 3x3 'same' average pools inside the blocks average over the valid
pixels only, torchvision's (count_include_pad=True) divide by 9 at the border too. The port keeps
torchvision's network (the product target); the head sanity check below shows the features
still mean what they meant.

The package's own classifier (3 dense layers, 2048 -> 256 -> 128 -> 5, softmax over nsfwjs'
classes Drawing, Hentai, Neutral, Porn, Sexy) is returned as plain arrays for that sanity check.
"""
import json
import os
import re

import numpy as np

NSFW_CLASSES = ("drawing", "hentai", "neutral", "porn", "sexy")
NEUTRAL = NSFW_CLASSES.index("neutral")
MIN_NEUTRAL = 0.9  # the port is right when its head calls at least this share of photos neutral
BN_EPS = 1e-3


class PortError(RuntimeError):
    pass


def load_dump(dump_dir):
    """(Keras layers in creation order, {weight name: float32 array}) from a tfjs_dump.js folder."""
    with open(os.path.join(dump_dir, "topology.json")) as f:
        layers = json.load(f)["config"]["layers"]
    with open(os.path.join(dump_dir, "manifest.json")) as f:
        manifest = json.load(f)
    raw = np.fromfile(os.path.join(dump_dir, "weights.bin"), dtype=np.uint8)
    weights, offset = {}, 0
    for w in manifest:
        count = int(np.prod(w["shape"], dtype=np.int64))
        q = w.get("quantization")
        if q:  # one byte per value: value = byte * scale + min
            data = raw[offset:offset + count].astype(np.float64) * q["scale"] + q["min"]
            offset += count
        else:
            data = raw[offset:offset + 4 * count].view(np.float32)
            offset += 4 * count
        if data.size != count:
            raise PortError(f"weights.bin ends inside {w['name']}")
        weights[w["name"]] = data.astype(np.float32).reshape(w["shape"])
    if offset != raw.size:
        raise PortError(f"weights.bin has {raw.size - offset} bytes the manifest does not describe")
    return layers, weights


def _inbound(layer):
    nodes = layer.get("inbound_nodes") or []
    return [ref[0] for node in nodes for ref in node]


def _creation_index(name):
    """Keras numbers layers of a kind in creation order (conv2d_7); the serialized layer list is
    in graph order instead, which differs inside the blocks."""
    m = re.fullmatch(r"[a-z0-9_]*?_(\d+)", name)
    if not m:
        raise PortError(f"layer name {name!r} has no creation number")
    return int(m.group(1))


def keras_units(layers, weights):
    """[(conv config, kernel [kh, kw, in, out], beta, mean, var)] in creation order."""
    by_name = {l["name"]: l for l in layers}
    units = []
    for layer in layers:
        if layer["class_name"] != "BatchNormalization":
            continue
        cfg = layer["config"]
        src = _inbound(layer)
        if len(src) != 1 or by_name[src[0]]["class_name"] != "Conv2D":
            raise PortError(f"{layer['name']} does not follow a Conv2D")
        if cfg.get("scale", True) or abs(cfg["epsilon"] - BN_EPS) > 1e-9:
            raise PortError(f"{layer['name']}: expected scale=False, epsilon={BN_EPS}")
        conv = by_name[src[0]]["config"]
        if conv.get("use_bias") or conv.get("dilation_rate", [1, 1]) != [1, 1]:
            raise PortError(f"{conv['name']}: bias or dilation not expected")
        n = layer["name"]
        units.append((conv, weights[conv["name"] + "/kernel"], weights[n + "/beta"],
                      weights[n + "/moving_mean"], weights[n + "/moving_variance"]))
    units.sort(key=lambda u: _creation_index(u[0]["name"]))
    numbers = [_creation_index(u[0]["name"]) for u in units]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True:
        raise PortError(f"conv layers are not numbered consecutively: {numbers[:5]}...")
    return units


def torch_units(model):
    """torchvision's BasicConv2d modules in definition order, the aux head left out."""
    from torchvision.models.inception import BasicConv2d
    return [(name, m) for name, m in model.named_modules()
            if isinstance(m, BasicConv2d) and not name.startswith("AuxLogits")]


def _check_unit(name, conv, kernel, keras_cfg):
    kh, kw, cin, cout = kernel.shape
    want = dict(kernel=(kh, kw), stride=tuple(keras_cfg["strides"]), cin=cin, cout=cout,
                pad=(kh // 2, kw // 2) if keras_cfg["padding"] == "same" else (0, 0))
    have = dict(kernel=tuple(conv.kernel_size), stride=tuple(conv.stride), cin=conv.in_channels,
                cout=conv.out_channels, pad=tuple(conv.padding))
    if tuple(keras_cfg["kernel_size"]) != want["kernel"] or keras_cfg["filters"] != cout:
        raise PortError(f"{keras_cfg['name']}: config disagrees with its kernel {kernel.shape}")
    if keras_cfg["padding"] == "same" and want["stride"] != (1, 1):
        raise PortError(f"{keras_cfg['name']}: 'same' padding with stride {want['stride']}")
    if want != have:
        raise PortError(f"{keras_cfg['name']} -> {name}: Keras {want} != torchvision {have}")


def port_backbone(model, layers, weights):
    """Copies the 94 conv+BN units into `model` (torchvision Inception3). Returns the count."""
    import torch
    k_units, t_units = keras_units(layers, weights), torch_units(model)
    if len(k_units) != len(t_units):
        raise PortError(f"Keras has {len(k_units)} conv+BN units, torchvision {len(t_units)}")
    with torch.no_grad():
        for (name, unit), (cfg, kernel, beta, mean, var) in zip(t_units, k_units):
            _check_unit(name, unit.conv, kernel, cfg)
            if abs(unit.bn.eps - BN_EPS) > 1e-9:
                raise PortError(f"{name}: torchvision BatchNorm eps {unit.bn.eps} != {BN_EPS}")
            unit.conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))))
            unit.bn.weight.fill_(1.0)
            unit.bn.bias.copy_(torch.from_numpy(beta))
            unit.bn.running_mean.copy_(torch.from_numpy(mean))
            unit.bn.running_var.copy_(torch.from_numpy(var))
    return len(t_units)


def keras_head(layers, weights):
    """The package's dense layers after the backbone: [(W [in, out], b, activation)]."""
    head = []
    for layer in layers:
        if layer["class_name"] == "Dense":
            n = layer["name"]
            head.append((weights[n + "/kernel"], weights[n + "/bias"], layer["config"]["activation"]))
    dims = [w.shape for w, _, _ in head]
    if not head or dims[0][0] != 2048 or dims[-1][1] != len(NSFW_CLASSES) or \
            any(a[1] != b[0] for a, b in zip(dims, dims[1:])):
        raise PortError(f"unexpected dense head {dims}")
    return head


def head_probs(features, head):
    """Softmax probabilities of the Keras head on pooled features [N, 2048] (dropout off)."""
    x = np.asarray(features, dtype=np.float64)
    for w, b, act in head:
        x = x @ w + b
        if act == "relu":
            x = np.maximum(x, 0)
        elif act == "softmax":
            x = np.exp(x - x.max(axis=1, keepdims=True))
            x /= x.sum(axis=1, keepdims=True)
        elif act != "linear":
            raise PortError(f"dense activation {act} not supported")
    return x
