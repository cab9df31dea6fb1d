#!/usr/bin/python3
"""The trained backbone's port is right: with the nsfwjs package's own 5-class head, the ported
torchvision model calls >= 90% of the ordinary photos 'neutral'; the same check on a port with
its BatchNorm channels shuffled (a classic porting bug) fails it, so the check can fail.

usage: port_sanity.py NSFWJS_DUMP_DIR PHOTOS_DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import export_torchvision  # noqa: E402
import keras_port  # noqa: E402
import offline_data  # noqa: E402


def neutral_fraction(model, head, photos):
    feats, _ = export_torchvision.forward_fc_inputs(model, photos, offline_data.eval_transform())
    labels = keras_port.head_probs(feats.numpy(), head).argmax(axis=1)
    return float((labels == keras_port.NEUTRAL).mean())


def main(dump, photos_dir):
    import torch
    from torchvision.models import inception_v3
    torch.set_num_threads(2)
    layers, weights = keras_port.load_dump(dump)
    head = keras_port.keras_head(layers, weights)
    photos = offline_data.list_photos(photos_dir)
    model = inception_v3(weights=None, aux_logits=False, init_weights=False, transform_input=True, num_classes=80)
    units = keras_port.port_backbone(model, layers, weights)
    model.eval()
    good = neutral_fraction(model, head, photos)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for _, unit in keras_port.torch_units(model):
            perm = torch.randperm(unit.bn.bias.numel(), generator=gen)
            for t in (unit.bn.bias, unit.bn.running_mean, unit.bn.running_var):
                t.copy_(t[perm].clone())
    broken = neutral_fraction(model, head, photos)
    print(f"port_sanity: {units} units; 'neutral' on {len(photos)} photos: port {good:.1%}, "
          f"port with shuffled BatchNorm channels {broken:.1%}")
    ok = units == 94 and good >= keras_port.MIN_NEUTRAL and broken < keras_port.MIN_NEUTRAL
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
