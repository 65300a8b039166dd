"""A small seeded workload; prints one SHA-256 per result (run in a fresh interpreter)."""

import hashlib
import json
import sys
import warnings

import numpy as np

from analoglinalg import Crossbar, SaturationWarning
from analoglinalg.nn import AnalogMLPClassifier
from analoglinalg.sketch import randomized_svd
from analoglinalg.streaming import ThreeSketch


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(a.dtype.str.encode() + str(a.shape).encode() + a.tobytes())
    return h.hexdigest()[:16]


def main():
    warnings.simplefilter("ignore", SaturationWarning)
    rng = np.random.default_rng(7)
    A = rng.standard_normal((6, 5)) / 3
    out = {}
    xb = Crossbar.from_matrix(A, tile_shape=(4, 4), rng=1)  # write-verify
    out["program"] = digest(xb.read())
    for mode in ("stochastic", "deterministic", "mean_field"):
        xb.rank1_update(rng.uniform(-1, 1, 6), rng.uniform(-1, 1, 5), 0.05, mode=mode)
    out["updates"] = digest(xb.read())
    out["reads"] = digest(xb.matmat(rng.standard_normal((5, 3))), xb.rmatvec(np.ones(6)))
    out["ledger"] = hashlib.sha256(json.dumps(xb.cost.as_dict()).encode()).hexdigest()[:16]
    out["randomized_svd"] = digest(*randomized_svd(xb, 2, n_iter=1, rng=3))
    sk = ThreeSketch((6, 5), 2, 3, analog="sketches", update_mode="deterministic", rng=4)
    sk.update(A / 4)
    out["three_sketch"] = digest(sk.X, sk.Y, sk.Z)
    X = rng.standard_normal((12, 3))
    clf = AnalogMLPClassifier((3,), device="protonic_psg_2022", periphery=None,
                              update_mode="stochastic", max_iter=1, batch_size=4,
                              random_state=5).fit(X, X[:, 0] > 0)
    out["mlp"] = digest(clf.predict_proba(X))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
