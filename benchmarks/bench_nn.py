"""Benchmark: MLP training on digits across devices x training rules, vs scikit-learn.

An MLP 64-32-10 (relu, softmax cross-entropy, batch 16, learning rate 0.1) is trained on
``sklearn.datasets.load_digits`` (features / 16, stratified 70/30 split) for ``--epochs``
epochs with mean-field pulsed updates (the expected change of the stochastic pulse scheme,
no pulse noise; the realistic periphery's read noise and ADC are on). Rows: device x rule,
test accuracy mean +- std over ``--seeds`` seeds, device pulses and seconds per epoch
(best over epochs), against scikit-learn's ``MLPClassifier`` (SGD, same architecture, batch
and learning rate, no momentum) timed in the same run. BLAS is pinned to one thread.

Run: ``python benchmarks/bench_nn.py [--quick]``.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from analoglinalg.nn import AnalogMLPClassifier

ROWS = [
    ("ideal", "ideal", "sgd"),
    ("protonic_psg_2022", None, "sgd"),
    ("protonic_psg_2022", None, "tiki_taka"),
    ("protonic_psg_2022", None, "shd"),
    ("reram_gong_2018", None, "sgd"),
    ("reram_gong_2018", None, "shd"),
]


def _timed_fit(est, X, y, epochs, classes):
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        est.partial_fit(X, y, classes=classes)
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=None)
    args = parser.parse_args()
    epochs = args.epochs or (2 if args.quick else 5)
    seeds = args.seeds or (1 if args.quick else 3)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    classes = np.unique(y)
    print(f"digits: {len(ytr)} train / {len(yte)} test, MLP 64-32-10, {epochs} epochs, "
          f"{seeds} seeds, mean-field pulsed updates\n")
    with threadpool_limits(1):
        accs, times = [], []
        for s in range(seeds):
            sk = MLPClassifier((32,), solver="sgd", learning_rate_init=0.1, momentum=0.0,
                               batch_size=16, alpha=0.0, random_state=s)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                times.append(_timed_fit(sk, Xtr, ytr, epochs, classes))
            accs.append(sk.score(Xte, yte))
        base = min(times)
        header = (f"{'device':<20}{'rule':<11}{'test acc (mean+-std)':>22}"
                  f"{'pulses/epoch':>14}{'s/epoch':>10}{'x sklearn':>11}")
        print(header)
        print("-" * len(header))
        print(f"{'sklearn MLPClassifier':<31}{np.mean(accs):>14.4f} +- {np.std(accs):.4f}"
              f"{'-':>14}{base:>10.4f}{1.0:>11.1f}")
        for device, periphery, rule in ROWS:
            accs, times, pulses = [], [], []
            for s in range(seeds):
                est = AnalogMLPClassifier((32,), optimizer=rule, device=device,
                                          periphery=periphery, learning_rate=0.1,
                                          batch_size=16, random_state=s)
                times.append(_timed_fit(est, Xtr, ytr, epochs, classes))
                accs.append(est.score(Xte, yte))
                pulses.append(est.network_.n_pulses / epochs)
            t = min(times)
            print(f"{device:<20}{rule:<11}{np.mean(accs):>14.4f} +- {np.std(accs):.4f}"
                  f"{np.mean(pulses):>14.3g}{t:>10.3f}{t / base:>11.0f}")


if __name__ == "__main__":
    main()
