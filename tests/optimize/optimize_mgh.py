"""Moré-Garbow-Hillstrom test problems in residual form, f = sum r_i(x)^2, g = 2 J^T r.

Written from the definitions in J. J. Moré, B. S. Garbow, K. E. Hillstrom, "Testing
Unconstrained Optimization Software", ACM TOMS 7(1):17-41, 1981 (problem numbers below);
each entry carries the standard start x0 and the published minimum f*.
"""

import numpy as np


def _rosenbrock(x):
    r = np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])
    J = np.array([[-20 * x[0], 10.0], [-1.0, 0.0]])
    return r, J


def _helical_valley(x):
    # MGH's theta: arctan(x2/x1)/(2 pi), plus 1/2 for x1 < 0 (continuous across x2 = 0 there).
    t = np.arctan(x[1] / x[0]) / (2 * np.pi) + (0.5 if x[0] < 0 else 0.0)
    rho2 = x[0] ** 2 + x[1] ** 2
    r = np.array([10 * (x[2] - 10 * t), 10 * (np.sqrt(rho2) - 1), x[2]])
    dt = np.array([-x[1], x[0]]) / (2 * np.pi * rho2)
    drho = np.array([x[0], x[1]]) / np.sqrt(rho2)
    J = np.array([[-100 * dt[0], -100 * dt[1], 10.0],
                  [10 * drho[0], 10 * drho[1], 0.0],
                  [0.0, 0.0, 1.0]])
    return r, J


def _powell_singular(x):
    s5, s10 = np.sqrt(5.0), np.sqrt(10.0)
    r = np.array([x[0] + 10 * x[1], s5 * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
                  s10 * (x[0] - x[3]) ** 2])
    J = np.array([[1.0, 10.0, 0.0, 0.0],
                  [0.0, 0.0, s5, -s5],
                  [0.0, 2 * (x[1] - 2 * x[2]), -4 * (x[1] - 2 * x[2]), 0.0],
                  [2 * s10 * (x[0] - x[3]), 0.0, 0.0, -2 * s10 * (x[0] - x[3])]])
    return r, J


def _wood(x):
    s10, s90 = np.sqrt(10.0), np.sqrt(90.0)
    r = np.array([10 * (x[1] - x[0] ** 2), 1 - x[0], s90 * (x[3] - x[2] ** 2), 1 - x[2],
                  s10 * (x[1] + x[3] - 2), (x[1] - x[3]) / s10])
    J = np.zeros((6, 4))
    J[0, :2] = [-20 * x[0], 10]
    J[1, 0] = -1
    J[2, 2:] = [-2 * s90 * x[2], s90]
    J[3, 2] = -1
    J[4, [1, 3]] = s10
    J[5, [1, 3]] = [1 / s10, -1 / s10]
    return r, J


def _beale(x):
    c = np.array([1.5, 2.25, 2.625])
    p = np.arange(1, 4)
    r = c - x[0] * (1 - x[1] ** p)
    J = np.column_stack([-(1 - x[1] ** p), x[0] * p * x[1] ** (p - 1)])
    return r, J


def _extended_rosenbrock(x):
    n = x.size
    r = np.empty(n)
    J = np.zeros((n, n))
    odd, even = np.arange(0, n, 2), np.arange(1, n, 2)
    r[odd] = 10 * (x[even] - x[odd] ** 2)
    r[even] = 1 - x[odd]
    J[odd, odd] = -20 * x[odd]
    J[odd, even] = 10
    J[even, odd] = -1
    return r, J


def _box3d(x, m=10):
    t = 0.1 * np.arange(1, m + 1)
    r = (np.exp(-t * x[0]) - np.exp(-t * x[1])
         - x[2] * (np.exp(-t) - np.exp(-10 * t)))
    J = np.column_stack([-t * np.exp(-t * x[0]), t * np.exp(-t * x[1]),
                         -(np.exp(-t) - np.exp(-10 * t))])
    return r, J


def make(residual):
    def fun(x):
        r, J = residual(np.asarray(x, dtype=float))
        return float(r @ r), 2.0 * J.T @ r
    return fun


PROBLEMS = {
    # name: (residual, x0, f*, problem number in MGH 1981)
    "rosenbrock": (_rosenbrock, [-1.2, 1.0], 0.0, 1),
    "beale": (_beale, [1.0, 1.0], 0.0, 5),
    "helical_valley": (_helical_valley, [-1.0, 0.0, 0.0], 0.0, 7),
    "box3d": (_box3d, [0.0, 10.0, 20.0], 0.0, 12),
    "powell_singular": (_powell_singular, [3.0, -1.0, 0.0, 1.0], 0.0, 13),
    "wood": (_wood, [-3.0, -1.0, -3.0, -1.0], 0.0, 14),
    "extended_rosenbrock_10": (_extended_rosenbrock, [-1.2, 1.0] * 5, 0.0, 21),
}

# f(x0) values tabulated in MGH 1981 (checked against numerics.md section 5.6).
F_X0 = {"rosenbrock": 24.2, "beale": 14.2031, "helical_valley": 2500.0, "box3d": 1031.15,
        "powell_singular": 215.0, "wood": 19192.0, "extended_rosenbrock_10": 121.0}


def extended_rosenbrock(n):
    return make(_extended_rosenbrock), np.tile([-1.2, 1.0], n // 2)
