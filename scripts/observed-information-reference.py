#!/usr/bin/env python3
"""Finite-difference reference for the observed information of a Gaussian mixture (no emkit code).

Old Faithful (read from packages/core/src/Datasets.ts, the one copy of the data), k = 2, full
covariance. EM written from the textbook formulas with numpy (Debian's python3-numpy), started from
the split eruptions < 3 and run to a relative parameter change <= 1e-14. At that θ̂ the Hessian of
the observed-data log-likelihood ℓ(θ) = Σᵢ log Σⱼ πⱼ N(xᵢ | μⱼ, Σⱼ) is taken by central differences
in the free parameters (π₁; μ₁, σ₁₁, σ₁₂, σ₂₂; μ₂, σ₁₁, σ₁₂, σ₂₂; π₂ = 1 − π₁), at two step sizes
h and h/2 (hₐ = 1e-3·|θₐ| and half of it), Richardson-extrapolated: H = (4·H(h/2) − H(h)) / 3.
The covariance of the estimates is (−H)⁻¹ mapped to every displayed parameter (π₂ and the
symmetric covariance entries by the delta method, which is exact here: they are linear in the free
parameters). Writes packages/gaussian/fixtures/faithful-k2-information.json, which
packages/gaussian/src/information.test.ts compares to at 1e-4 relative.

Run from the repository root:  /usr/bin/python3 scripts/observed-information-reference.py
"""
import json
import os
import re

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def faithful():
    text = open(os.path.join(ROOT, 'packages', 'core', 'src', 'Datasets.ts')).read()
    body = re.search(r'FAITHFUL_VALUES = Float64Array\.of\(([^)]*)\)', text).group(1)
    values = [float(v) for v in body.replace('\n', ' ').split(',') if v.strip()]
    return np.array(values).reshape(-1, 2)


def log_normal(x, mean, cov):
    d = x.shape[1]
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, (x - mean).T)
    return -0.5 * d * np.log(2 * np.pi) - np.log(np.diag(chol)).sum() - 0.5 * (z * z).sum(axis=0)


def loglik(x, weights, means, covs):
    parts = np.stack([np.log(w) + log_normal(x, m, c) for w, m, c in zip(weights, means, covs)])
    top = parts.max(axis=0)
    return float((top + np.log(np.exp(parts - top).sum(axis=0))).sum())


def em(x):
    first = x[:, 0] < 3
    resp = np.stack([first, ~first]).astype(float)
    previous = None
    for _ in range(100000):
        nk = resp.sum(axis=1)
        weights = nk / nk.sum()
        means = (resp @ x) / nk[:, None]
        covs = [((x - m).T * r) @ (x - m) / s for r, m, s in zip(resp, means, nk)]
        theta = np.concatenate([weights, means.ravel(), np.ravel(covs)])
        parts = np.stack([np.log(w) + log_normal(x, m, c) for w, m, c in zip(weights, means, covs)])
        top = parts.max(axis=0)
        resp = np.exp(parts - top)
        resp /= resp.sum(axis=0)
        if previous is not None and np.max(np.abs(theta - previous) / np.abs(theta)) <= 1e-14:
            break
        previous = theta
    return weights, means, covs


def unpack(free):
    """Free vector → (weights, means, covariances)."""
    weights = np.array([free[0], 1 - free[0]])
    means, covs = [], []
    for j in range(2):
        o = 1 + 5 * j
        means.append(free[o:o + 2])
        a, b, c = free[o + 2:o + 5]
        covs.append(np.array([[a, b], [b, c]]))
    return weights, means, covs


def hessian(f, free, steps):
    p = len(free)
    h = np.zeros((p, p))
    for a in range(p):
        for b in range(a, p):
            def at(sa, sb):
                v = free.copy()
                v[a] += sa * steps[a]
                v[b] += sb * steps[b]
                return f(v)
            value = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * steps[a] * steps[b])
            h[a, b] = h[b, a] = value
    return h


def main():
    x = faithful()
    weights, means, covs = em(x)
    free = np.concatenate([[weights[0]]] + [np.concatenate([m, [c[0, 0], c[0, 1], c[1, 1]]]) for m, c in zip(means, covs)])
    f = lambda v: loglik(x, *unpack(v))
    steps = 1e-3 * np.abs(free)
    coarse = hessian(f, free, steps)
    fine = hessian(f, free, steps / 2)
    h = (4 * fine - coarse) / 3
    covariance_free = np.linalg.inv(-h)
    # Displayed parameters: π₁, π₂, then per component μ (2) and Σ (2 × 2, row-major).
    jac = np.zeros((2 + 2 * 6, 11))
    jac[0, 0] = 1
    jac[1, 0] = -1
    for j in range(2):
        o, r = 1 + 5 * j, 2 + 6 * j
        jac[r, o] = 1
        jac[r + 1, o + 1] = 1
        jac[r + 2, o + 2] = 1
        jac[r + 3, o + 3] = 1
        jac[r + 4, o + 3] = 1
        jac[r + 5, o + 4] = 1
    covariance = jac @ covariance_free @ jac.T
    se = np.sqrt(np.diag(covariance))
    out = {
        'description': 'Observed information of Old Faithful, k = 2, full covariance, at the EM optimum, by central '
        'differences at steps h = 1e-3·|θ| and h/2, Richardson-extrapolated (scripts/observed-information-reference.py).',
        'parameters': {
            'weights': weights.tolist(),
            'components': [{'mean': m.tolist(), 'covariance': c.tolist()} for m, c in zip(means, covs)],
        },
        'logLikelihood': f(free),
        'free': ['pi1', 'mu1_1', 'mu1_2', 'sigma1_11', 'sigma1_12', 'sigma1_22', 'mu2_1', 'mu2_2', 'sigma2_11', 'sigma2_12', 'sigma2_22'],
        'hessian': h.tolist(),
        'richardsonChange': float(np.max(np.abs(fine - coarse) / np.abs(h).max())),
        'standardErrors': {
            'weights': se[:2].tolist(),
            'components': [
                {'mean': se[2 + 6 * j:4 + 6 * j].tolist(), 'covariance': se[4 + 6 * j:8 + 6 * j].reshape(2, 2).tolist()} for j in range(2)
            ],
        },
    }
    path = os.path.join(ROOT, 'packages', 'gaussian', 'fixtures', 'faithful-k2-information.json')
    with open(path, 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')
    print('wrote', path, 'loglik', out['logLikelihood'], 'richardson change', out['richardsonChange'])


if __name__ == '__main__':
    main()
