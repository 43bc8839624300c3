#!/usr/bin/env python3
"""Fits the polynomial and rational coefficients of SimdActivationMath and the exponentials of the
native C kernels (kernels-native/src/c/hn_vec.h).

Each fit is a least-squares fit in relative error on a dense grid (close to minimax for these
smooth functions), evaluated against mpmath at 30 digits. Prints the float32 coefficients, highest
degree last, with the fit's relative error in double and when evaluated by Horner in float32.

Needs numpy and mpmath. Run: python3 kernels-java/tools/fit_activation_polynomials.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 30
F32 = np.float32


def horner32(coefs, x):
    """Horner in float32 with fused multiply-adds (emulated: float64 product of floats is exact)."""
    acc = np.full_like(x, F32(coefs[-1]))
    for c in reversed(coefs[:-1]):
        acc = (acc.astype(np.float64) * x + np.float64(F32(c))).astype(F32)
    return acc


def lstsq(columns, target, weight):
    a = np.vstack(columns).T
    c, *_ = np.linalg.lstsq(a * weight[:, None], target * weight, rcond=None)
    return c


def show(name, coefs, err):
    print(f"{name}: relative error {err:.3g}")
    print("  " + ", ".join(f"{F32(c):.9e}f" for c in coefs))


def exp_poly(degree=4):
    """e^r = 1 + r + r^2 P(r) on |r| <= ln2/2, P of degree 4 (3: the coarser exp of native GELU)."""
    half = float(mp.log(2) / 2)
    r = half * np.cos(np.pi * (np.arange(3000) + 0.5) / 3000)
    target = np.array([float((mp.exp(x) - 1 - x) / (x * x)) for x in r])
    c = lstsq([r ** k for k in range(degree + 1)], target, r * r / np.exp(r))
    err = np.max(np.abs((1 + r + r * r * np.polyval(c[::-1], r)) / np.exp(r) - 1))
    show(f"exp P(r), degree {degree}", c, err)


def expm1_poly(half_width=0.5, degree=5):
    """expm1(x) = x + x^2 Q(x) on |x| <= 0.5, Q of degree 5 (native tanh: |x| <= ln2/2, degree 4)."""
    x = np.concatenate([np.linspace(-half_width, -1e-4, 3000), np.linspace(1e-4, half_width, 3000)])
    target = np.array([float((mp.expm1(v) - v) / v ** 2) for v in x])
    c = lstsq([x ** k for k in range(degree + 1)], target, x * x / np.expm1(x))
    err = np.max(np.abs((x + x * x * np.polyval(c[::-1], x)) / np.expm1(x) - 1))
    show(f"expm1 Q(x) on |x| <= {half_width:.4f}, degree {degree}", c, err)


def tanh_poly():
    """tanh(x) = x + x^3 T(x^2) on |x| <= 0.625, T of degree 4."""
    x = np.linspace(0, 0.625, 6001)[1:]
    target = np.array([float((mp.tanh(v) - v) / v ** 3) for v in x])
    c = lstsq([(x * x) ** k for k in range(5)], target, x ** 3 / np.tanh(x))
    err = np.max(np.abs((x + x ** 3 * np.polyval(c[::-1], x * x)) / np.tanh(x) - 1))
    show("tanh T(z)", c, err)


def log1p_poly():
    """log1p(w) = w R(w) on 0 <= w <= 1 (softplus), R of degree 9."""
    w = np.linspace(0, 1, 8001)[1:]
    target = np.array([float(mp.log1p(v) / v) for v in w])
    c = lstsq([w ** k for k in range(10)], target, np.ones_like(w))
    w32 = w.astype(F32)
    got = (horner32(c, w32).astype(np.float64) * w32).astype(F32)
    exact = np.array([float(mp.log1p(float(v))) for v in w32])
    show("log1p R(w)", c, np.max(np.abs(got / exact - 1)))


def gaussian_tail_rational():
    """Phi(-u) e^(u^2/2) = P(u) / Q(u) on 0 <= u <= 15, degrees 4 and 5 (Loeb's iteration)."""
    u = np.concatenate([np.linspace(0, 2, 3000), np.linspace(2, 15, 6000)])
    u = u.astype(F32).astype(np.float64)
    g = np.array([float(mp.erfc(v / mp.sqrt(2)) / 2 * mp.exp(v * v / 2)) for v in u])
    n, m = 4, 5
    q_prev = np.ones_like(u)
    for _ in range(30):
        cols = [u ** k for k in range(n + 1)] + [-g * u ** k for k in range(1, m + 1)]
        sol = lstsq(cols, g, 1 / (g * q_prev))
        p, q = sol[:n + 1], np.concatenate([[1.0], sol[n + 1:]])
        q_prev = np.polyval(q[::-1], u)
    u32 = u.astype(F32)
    got = (horner32(p, u32) / horner32(q, u32)).astype(F32)
    show("gaussian tail P(u)", p, np.max(np.abs(got / g - 1)))
    show("gaussian tail Q(u)", q, np.max(np.abs(got / g - 1)))


if __name__ == "__main__":
    exp_poly()
    exp_poly(3)
    expm1_poly()
    expm1_poly(float(mp.log(2) / 2), 4)
    tanh_poly()
    log1p_poly()
    gaussian_tail_rational()
