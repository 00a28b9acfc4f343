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

Semi-supervised iris (partly known labels): see semi_supervised_reference.

Writes packages/gaussian/fixtures/incomplete/reference.json and semi-supervised-iris.json.
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


def read_iris():
    path = os.path.join(ROOT, 'packages/gaussian/fixtures/iris-k3/data.csv')
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    return np.array([[float(v) for v in r] for r in rows[1:]])


def semi_supervised_reference():
    """Iris (150 x 4, rows 0-49 setosa, 50-99 versicolor, 100-149 virginica), k = 3 full, the first 10
    rows of each species labelled 0, 1, 2. A labelled row keeps responsibility 1 for its label and
    enters the objective as log(pi_z N(x | mu_z, S_z)); the trace is
    sum_unlabelled log sum_j pi_j N(x_i | ...) + sum_labelled log pi_zi N(x_i | mu_zi, S_zi).
    Start: the M-step from the 30 labelled rows alone (weights 1/3; each species' mean and covariance
    divided by 10). Regularisation 0, 100 iterations."""
    x = read_iris()
    n, d = x.shape
    k = 3
    labels = np.full(n, -1)
    for j in range(k):
        labels[50 * j: 50 * j + 10] = j

    def m_step(resp):
        nk = resp.sum(axis=0)
        weights = nk / nk.sum()
        means, covs = [], []
        for j in range(k):
            mu = (resp[:, j:j + 1] * x).sum(axis=0) / nk[j]
            dev = x - mu
            covs.append((resp[:, j, None, None] * dev[:, :, None] * dev[:, None, :]).sum(axis=0) / nk[j])
            means.append(mu)
        return weights, means, covs

    start = np.zeros((n, k))
    for i in range(n):
        if labels[i] >= 0:
            start[i, labels[i]] = 1.0
    weights, means, covs = m_step(start)
    out = {'labelled_rows': [int(i) for i in np.nonzero(labels >= 0)[0]], 'labels': [int(labels[i]) for i in np.nonzero(labels >= 0)[0]]}
    out['start'] = {'weights': weights.tolist(), 'means': [m.tolist() for m in means], 'covariances': [c.tolist() for c in covs]}
    trace = []
    for t in range(101):
        lp = np.zeros((n, k))
        for j in range(k):
            inv = np.linalg.inv(covs[j])
            _, logdet = np.linalg.slogdet(covs[j])
            dev = x - means[j]
            lp[:, j] = math.log(weights[j]) - 0.5 * d * math.log(2 * math.pi) - 0.5 * logdet - 0.5 * np.einsum('ij,jk,ik->i', dev, inv, dev)
        for i in range(n):
            if labels[i] >= 0:
                for j in range(k):
                    if j != labels[i]:
                        lp[i, j] = -math.inf
        mx = lp.max(axis=1, keepdims=True)
        s = mx[:, 0] + np.log(np.exp(lp - mx).sum(axis=1))
        trace.append(float(s.sum()))
        if t == 100:
            break
        weights, means, covs = m_step(np.exp(lp - s[:, None]))
    out['iterations'] = 100
    out['trace'] = trace
    out['final'] = {'weights': weights.tolist(), 'means': [m.tolist() for m in means], 'covariances': [c.tolist() for c in covs]}
    return out


def write(relative, value):
    path = os.path.join(ROOT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, indent=1)
        f.write('\n')
    print('wrote', path)


def main():
    write('packages/gaussian/fixtures/incomplete/reference.json', gaussian_reference())
    write('packages/gaussian/fixtures/incomplete/semi-supervised-iris.json', semi_supervised_reference())


if __name__ == '__main__':
    main()
