"""Why LPCAM trails CAM on the toy world: its settings swept on validation (and test, for the record).

    cd python && ../.venv/bin/python scripts/lpcam_diagnostics.py

Rebuilds the prototypes in memory (as `python -m wsolkit.train.lpcam`) for each foreground
threshold, and scores LPCAM with and without context subtraction: GT-known Loc with τ chosen
on validation, as the main table. Also prints the share of feature positions that fall in the
foreground at each threshold. Results: docs/results-toyworld.md → Baselines.
"""
import json

import numpy as np
import torch

from wsolkit import baselines as bl
from wsolkit import evaluate as ev
from wsolkit.train.classifier import normalise
from wsolkit.train.data import train_cache


def main():
    torch.set_num_threads(2)
    ref = ev.Reference()
    clf = ref.classifier
    images, labels, classes = train_cache(128, 20000, 0)
    settings = bl.LPCAMSettings(**ref.lpcam_data["settings"])
    pick = np.concatenate([np.flatnonzero(labels == c)[: settings.images_per_class] for c in range(len(classes))])
    with torch.no_grad():
        feats = torch.cat([clf(normalise(torch.from_numpy(images[pick[i : i + 128]]).permute(0, 3, 1, 2).float() / 255))[1]
                           for i in range(0, len(pick), 128)]).numpy()
    head = clf.head.weight.detach().numpy()
    val, test = ev.toyworld_split("val", ref.classes), ev.toyworld_split("test", ref.classes)
    fv, ft = np.concatenate([ref.features(b) for b in ev.batches(val)]), np.concatenate([ref.features(b) for b in ev.batches(test)])
    cv, ct = [ref.classes.index(it.cls) for it in val], [ref.classes.index(it.cls) for it in test]
    rows = []
    for fg in (0.1, 0.25, 0.5):
        s = bl.LPCAMSettings(**{**settings.to_dict(), "fg_threshold": fg})
        protos = bl.build_prototypes(feats, labels[pick], head, s, log=lambda *_: None)
        fg_share = np.mean([p["fg_points"] / (p["fg_points"] + p["bg_points"]) for p in protos])
        for ctx in (True, False):
            def maps(f, cls):
                return ev.MapSet("", [bl.lpcam(x, protos[c]["class"], protos[c]["context"], ctx) for x, c in zip(f, cls)])
            tau, val_score = maps(fv, cv).best_tau(val, ref.size)
            rows.append({"fg_threshold": fg, "foreground_share": round(float(fg_share), 3), "context": ctx,
                         "fallback_classes": sum(p["fallback"] for p in protos), "tau": tau,
                         "val_gt_known": round(val_score, 2), "test_gt_known": round(maps(ft, ct).gt_known(test, ref.size, tau), 2)})
            print(json.dumps(rows[-1]))


if __name__ == "__main__":
    main()
