"""Training rules on E(w) = 0.5 ||w - w*||^2 with soft-bounds devices, mean-field updates.

Every expected number comes from the mean-field theory of the pulsed update
(``dw = -lr g F(w) - lr |g| G(w)``, Onen notes 2.2) or from the Hamiltonian of the SHD
reconstruction (notes 2.4), never from a previous run.
"""

import numpy as np
import pytest

from analoglinalg.nn import AnalogSGD, StochasticHamiltonianDescent, TikiTaka

EPS32 = np.finfo(np.float32).eps


def test_analog_sgd_lands_on_the_biased_fixed_point(soft, quadratic, sgd_theory):
    quadratic_layer, run_quadratic = quadratic
    # w* in four groups of 16 independent chains; noise s on every gradient.
    targets = np.array([-0.6, -0.4, 0.4, 0.6])
    w_star = np.repeat(targets, 16)
    lr, s, burn, n_avg = 0.02, 0.5, 1000, 3000
    layer = quadratic_layer(soft, w_star.size)
    ws, _ = run_quadratic(AnalogSGD(), layer, w_star, lr, burn + n_avg, noise=s, rng=1)
    mean = ws[burn:].reshape(n_avg, 4, 16).mean(axis=(0, 2))

    sgd_fixed_points, sgd_mean_tolerance = sgd_theory
    predicted = sgd_fixed_points(soft, targets, s)
    tol = sgd_mean_tolerance(soft, predicted, targets, lr, s, n_avg, 16)
    np.testing.assert_array_less(np.abs(mean - predicted), tol)
    # ... and that point is not the minimiser: the bias is many tolerances wide.
    np.testing.assert_array_less(5 * tol, np.abs(predicted - targets))
    np.testing.assert_array_less(5 * tol, np.abs(mean - targets))


@pytest.mark.parametrize("rule", [
    StochasticHamiltonianDescent(transfer_lr=0.05),
    TikiTaka(transfer_lr=0.05),
])
def test_two_array_rules_reach_the_minimiser_under_noise(rule, soft, constant, quadratic):
    quadratic_layer, run_quadratic = quadratic
    # A (momentum / fast array) is the asymmetric soft-bounds device; C is symmetric.
    targets = np.array([-0.4, 0.5])
    w_star = np.repeat(targets, 32)
    lr, s, burn, n_avg = 0.02, 0.5, 1500, 4500
    rule.fast_device = soft
    layer = quadratic_layer(constant, w_star.size)
    ws, _ = run_quadratic(rule, layer, w_star, lr, burn + n_avg, noise=s, rng=2)
    mean = ws[burn:].reshape(n_avg, 2, 32).mean(axis=(0, 2))
    # Linearised damped oscillator (notes 2.4): friction kappa = lr E|g| per step,
    # equipartition var(C) = lambda s^2 / (2 E|g|), correlation time 2 / kappa.
    lam = rule.transfer_lr
    e_abs = s * np.sqrt(2 / np.pi)
    kappa = lr * e_abs
    var = lam * s**2 / (2 * e_abs)
    tol = 5 * np.sqrt(var * (4 / kappa) / n_avg / 32)
    np.testing.assert_array_less(np.abs(mean - targets), tol)
    # Analog SGD on the same device is far off (the bias of the previous test).
    sgd_layer = quadratic_layer(soft, w_star.size)
    ws_sgd, _ = run_quadratic(AnalogSGD(), sgd_layer, w_star, lr, 1500, noise=s, rng=2)
    sgd_mean = ws_sgd[500:].reshape(1000, 2, 32).mean(axis=(0, 2))
    np.testing.assert_array_less(3 * tol, np.abs(sgd_mean - targets))


def _modified_energy(c, p, w_star, lr, lam):
    """Exact invariant of the undamped SHD map p' = p - lr (c - w*), c' = c + lam p'."""
    d = c - w_star
    return 0.5 * d @ d + lam / (2 * lr) * p @ p - 0.5 * lam * d @ p


def _shd_trajectory(quadratic, device_a, device_c, n_steps, lr=0.05, lam=0.05):
    quadratic_layer, run_quadratic = quadratic
    w_star = np.array([0.3, -0.2, 0.1])
    rule = StochasticHamiltonianDescent(transfer_lr=lam, fast_device=device_a)
    layer = rule.prepare(quadratic_layer(device_c, w_star.size))
    _, states = run_quadratic(rule, layer, w_star, lr, n_steps, record=lambda lay: (
        lay.arrays["weight"].read()[:, 0], lay.arrays["momentum"].read()[:, 0]))
    c = np.array([st[0] for st in states])
    p = np.array([st[1] for st in states])
    H = np.array([_modified_energy(ci, pi, w_star, lr, lam) for ci, pi in zip(c, p, strict=True)])
    return c, p, H, w_star


def _rounding(c, p, w_star, lr, lam):
    # Float32 storage of c and p: |dH| <= |grad_c H| eps|c| + |grad_p H| eps|p| per step,
    # twice (before and after), with a factor 4 of slack for the products.
    d = c - w_star
    gc = np.abs(d - 0.5 * lam * p)
    gp = np.abs(lam / lr * p - 0.5 * lam * d)
    return 8 * EPS32 * np.sum(gc * (np.abs(c) + 1) + gp * (np.abs(p) + 1), axis=-1)


def test_shd_energy_change_is_exactly_the_friction(soft, constant, quadratic):
    lr, lam = 0.05, 0.05
    c, p, H, w_star = _shd_trajectory(quadratic, soft, constant, 600, lr, lam)
    # Soft bounds: p' = (1 - kappa) p - lr g with kappa = lr |g| (F = 1, G = p); the
    # symplectic part conserves H exactly, so dH is the friction's change of H alone.
    d = c[:-1] - w_star
    kappa = lr * np.abs(d)
    pk = p[:-1]
    friction = np.sum(-(lam / (2 * lr)) * kappa * (2 - kappa) * pk**2
                      + 0.5 * lam * kappa * d * pk, axis=1)
    tol = _rounding(c[:-1], p[:-1], w_star, lr, lam) + _rounding(c[1:], p[1:], w_star, lr, lam)
    np.testing.assert_array_less(np.abs(np.diff(H) - friction), tol)
    # The friction's only positive part is bounded by lam kappa lr d^2 / (8 (2 - kappa)),
    # O(lr^2 lam): in the mean-field, small-step limit H is non-increasing.
    bound = np.sum(lam * kappa * lr * d**2 / (8 * (2 - kappa)), axis=1)
    np.testing.assert_array_less(np.diff(H), bound + tol)
    # Over each oscillation period (2 pi / sqrt(lr lam) steps) H strictly decreases.
    period = int(np.ceil(2 * np.pi / np.sqrt(lr * lam)))
    assert np.all(np.diff(H[::period]) < 0)
    # The friction lr |g| vanishes with the gradient, so the late decay is slow (algebraic).
    assert H[-1] < 0.5 * H[0]


def test_shd_hamiltonian_uses_the_effective_transfer_gain(soft, constant, quadratic):
    quadratic_layer, run_quadratic = quadratic
    lr, lam, every = 0.05, 0.08, 2
    rule = StochasticHamiltonianDescent(transfer_lr=lam, transfer_every=every,
                                        fast_device=soft)
    layer = rule.prepare(quadratic_layer(constant, 3))
    w_star = np.array([0.3, -0.2, 0.1])
    run_quadratic(rule, layer, w_star, lr, 5)
    c = layer.arrays["weight"].read()[:, 0]
    A = layer.arrays["momentum"].read()
    energy = 0.5 * np.sum((c - w_star) ** 2)
    expected = energy + (lam / every) / (2 * lr) * np.sum(A**2)
    assert np.any(A != 0)
    assert rule.hamiltonian(layer, energy, lr) == pytest.approx(expected, rel=1e-12)


def test_shd_with_a_symmetric_momentum_array_does_not_damp(constant, quadratic):
    lr, lam = 0.05, 0.05
    c, p, H, w_star = _shd_trajectory(quadratic, constant, constant, 600, lr, lam)
    # G = 0: the map is exactly symplectic, H is conserved up to float32 rounding.
    tol = np.cumsum(2 * _rounding(c, p, w_star, lr, lam))
    np.testing.assert_array_less(np.abs(H - H[0]), tol + 1e-300)
    period = int(np.ceil(2 * np.pi / np.sqrt(lr * lam)))
    first = np.abs(c[:period] - w_star).max(axis=0)
    last = np.abs(c[-period:] - w_star).max(axis=0)
    # The amplitude after several periods equals the first period's (no decay); the
    # tolerance is the largest step of C within a period, lam max|p|.
    np.testing.assert_allclose(last, first, atol=lam * np.abs(p).max())
