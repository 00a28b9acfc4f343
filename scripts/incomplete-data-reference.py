#!/usr/bin/env python3
"""Independent reference values for EM on incomplete data (issue 15).

Written from the textbook formulas, with no emkit code: Python and numpy (explicit inverses and
determinants, a different route from emkit's Cholesky factors of the observed sub-blocks).

Gaussian mixtures with cells missing at random (Ghahramani & Jordan 1994; Little & Rubin 2002, 11.2):
  E-step: responsibilities from the marginal density N(x_o | mu_o, S_oo) of each row's observed part;
  M-step: mu_j = sum_i t_ij xhat_ij / sum_i t_ij, S_j = sum_i t_ij [(xhat_ij - mu_j)(xhat_ij - mu_j)' + C_ij] / sum_i t_ij
  with xhat_ij the row completed by E[x_m | x_o, z = j] = mu_m + S_mo S_oo^-1 (x_o - mu_o) and C_ij the
  conditional covariance S_mm - S_mo S_oo^-1 S_om in the missing block (zero elsewhere); 'diag' keeps
  the diagonal. The trace is the observed-data log-likelihood sum_i log sum_j pi_j N(x_io | ...).

Data: R's datasets::airquality (New York, May-September 1973; public domain), its four numeric
columns Ozone, Solar.R, Wind, Temp: 153 rows, 44 missing cells in 42 rows; the copy in
packages/gaussian/fixtures/incomplete/airquality.csv is packages/cli/fixtures/datasets/airquality.csv
(source named in packages/cli/fixtures/datasets/README.md).

Start (documented in docs/incomplete-data.md): weights (0.5, 0.5); means m - s/2 and m + s/2 with m
and s the observed mean and standard deviation (divided by the count) of every column; both
covariances diag(s^2). Regularisation 0. 100 iterations, no stopping rule.

Writes packages/gaussian/fixtures/incomplete/reference.json.
Run from the repository root:  python3 scripts/incomplete-data-reference.py
"""
import csv
import json
import math
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ['Ozone', 'Solar.R', 'Wind', 'Temp']


def read_airquality():
    path = os.path.join(ROOT, 'packages/gaussian/fixtures/incomplete/airquality.csv')
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    x = np.array([[math.nan if r[c] in ('', 'NA') else float(r[c]) for c in COLUMNS] for r in rows])
    return x


def gauss_start(x):
    m = np.nanmean(x, axis=0)
    s = np.nanstd(x, axis=0)
    return [0.5, 0.5], [m - s / 2, m + s / 2], [np.diag(s * s), np.diag(s * s)]


def marginal_logpdf(xo, mu, cov):
    p = len(xo)
    diff = xo - mu
    inv = np.linalg.inv(cov)
    sign, logdet = np.linalg.slogdet(cov)
    assert sign > 0
    return -0.5 * p * math.log(2 * math.pi) - 0.5 * logdet - 0.5 * diff @ inv @ diff


def gauss_loglik(x, weights, means, covs):
    n, d = x.shape
    k = len(weights)
    lp = np.zeros((n, k))
    for i in range(n):
        o = ~np.isnan(x[i])
        for j in range(k):
            lp[i, j] = math.log(weights[j]) + marginal_logpdf(x[i, o], means[j][o], covs[j][np.ix_(o, o)])
    mx = lp.max(axis=1, keepdims=True)
    s = mx[:, 0] + np.log(np.exp(lp - mx).sum(axis=1))
    return float(s.sum()), np.exp(lp - s[:, None])


def gauss_em(x, weights, means, covs, structure, iterations):
    n, d = x.shape
    k = len(weights)
    trace = []
    for t in range(iterations + 1):
        ll, resp = gauss_loglik(x, weights, means, covs)
        trace.append(ll)
        if t == iterations:
            break
        new_w, new_m, new_c = [], [], []
        for j in range(k):
            xhat = x.copy()
            cond = np.zeros((n, d, d))
            for i in range(n):
                o = ~np.isnan(x[i])
                m = ~o
                if not m.any():
                    continue
                soo = covs[j][np.ix_(o, o)]
                smo = covs[j][np.ix_(m, o)]
                reg = smo @ np.linalg.inv(soo)
                xhat[i, m] = means[j][m] + reg @ (x[i, o] - means[j][o])
                cond[i][np.ix_(m, m)] = covs[j][np.ix_(m, m)] - reg @ smo.T
            g = resp[:, j]
            nk = g.sum()
            mu = (g[:, None] * xhat).sum(axis=0) / nk
            dev = xhat - mu
            s = (g[:, None, None] * (dev[:, :, None] * dev[:, None, :] + cond)).sum(axis=0) / nk
            if structure == 'diag':
                s = np.diag(np.diag(s))
            new_w.append(nk / n)
            new_m.append(mu)
            new_c.append(s)
        weights, means, covs = new_w, new_m, new_c
    return trace, weights, means, covs


def gaussian_reference():
    x = read_airquality()
    out = {
        'data': 'packages/gaussian/fixtures/incomplete/airquality.csv',
        'columns': COLUMNS,
        'n': int(x.shape[0]),
        'missing_cells': int(np.isnan(x).sum()),
        'incomplete_rows': int(np.isnan(x).any(axis=1).sum()),
    }
    w0, m0, c0 = gauss_start(x)
    out['start'] = {'weights': w0, 'means': [m.tolist() for m in m0], 'covariances': [c.tolist() for c in c0]}
    for structure in ('full', 'diag'):
        trace, w, m, c = gauss_em(x, list(w0), [a.copy() for a in m0], [a.copy() for a in c0], structure, 100)
        out[structure] = {
            'iterations': 100,
            'trace': trace,
            'final': {'weights': [float(v) for v in w], 'means': [a.tolist() for a in m], 'covariances': [a.tolist() for a in c]},
        }
    return out


def main():
    gaussian = gaussian_reference()
    path = os.path.join(ROOT, 'packages/gaussian/fixtures/incomplete/reference.json')
    with open(path, 'w') as f:
        json.dump(gaussian, f, indent=1)
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
