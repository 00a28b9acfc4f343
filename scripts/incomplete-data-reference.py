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
Frozen weights (0.3, 0.7) on the lecture 1-D example, by direct numerical maximisation (scipy): see
frozen_weights_reference.
Exponential and Poisson mixtures with missing cells (strict EM with expected statistics): see
exponential_missing_reference and poisson_missing_reference (pure Python, random.Random data).

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


# ------------------------------------------------- independent coordinates (strict EM)
def logsumexp(v):
    m = max(v)
    if m == -math.inf:
        return -math.inf
    return m + math.log(sum(math.exp(a - m) for a in v))


def independent_em(rows, weights, rates, iterations, log_density, expected):
    """EM for a mixture of components with independent coordinates, one rate per coordinate, on rows
    with missing cells (None): the E-step uses the observed cells' density (the missing coordinates
    integrate to 1), the M-step the expected sufficient statistic of a missing cell under the
    current component, E[x | rate] (strict EM). rate_jc = sum_i t_ij / sum_i t_ij E[x_ic] for the
    exponential, sum_i t_ij E[x_ic] / sum_i t_ij for the Poisson; `expected(rate)` gives E[x]."""
    n = len(rows)
    d = len(rows[0])
    k = len(weights)
    trace = []
    for t in range(iterations + 1):
        resp = []
        ll = 0.0
        for x in rows:
            joint = [math.log(weights[j]) + sum(log_density(x[c], rates[j][c]) for c in range(d) if x[c] is not None) for j in range(k)]
            s = logsumexp(joint)
            ll += s
            resp.append([math.exp(a - s) for a in joint])
        trace.append(ll)
        if t == iterations:
            break
        nk = [math.fsum(resp[i][j] for i in range(n)) for j in range(k)]
        new_rates = []
        for j in range(k):
            sums = [math.fsum(resp[i][j] * (rows[i][c] if rows[i][c] is not None else expected(rates[j][c])) for i in range(n)) for c in range(d)]
            new_rates.append(sums)
        weights = [nk[j] / n for j in range(k)]
        rates = new_rates
        if log_density is exp_cell:
            rates = [[nk[j] / rates[j][c] for c in range(d)] for j in range(k)]
        else:
            rates = [[rates[j][c] / nk[j] for c in range(d)] for j in range(k)]
    return trace, weights, rates


def exp_cell(x, rate):
    return math.log(rate) - rate * x


def poisson_cell(x, rate):
    return x * math.log(rate) - rate - math.lgamma(x + 1)


def with_holes(rows, rng, rate):
    """Marks cells missing with probability `rate` (completely at random), never a whole row."""
    out = []
    for r in rows:
        keep = rng.randrange(len(r))
        out.append([None if (c != keep and rng.random() < rate) else v for c, v in enumerate(r)])
    return out


def write_csv(relative, columns, rows):
    path = os.path.join(ROOT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(','.join(columns) + '\n')
        for r in rows:
            f.write(','.join('' if v is None else repr(v) for v in r) + '\n')
    print('wrote', path)


def start_json(family, columns, weights, rates):
    return {
        'format': 'emkit.mixture/v1',
        'family': family,
        'dimension': len(columns),
        'columns': columns,
        'weights': weights,
        'components': [{'rate': r} for r in rates],
    }


def exponential_missing_reference():
    """Exponential mixture, k = 2, d = 2, 120 rows drawn with random.Random(20261501) from
    0.4 Exp(rates 2, 0.5) + 0.6 Exp(rates 0.3, 3), then 20% of the cells missing completely at random
    (never a whole row). Start: weights (0.5, 0.5), rates (1.5, 0.8) and (0.5, 2). 100 iterations."""
    import random
    rng = random.Random(20261501)
    truth = [(0.4, [2.0, 0.5]), (0.6, [0.3, 3.0])]
    rows = []
    for _ in range(120):
        w, rates = truth[0] if rng.random() < truth[0][0] else truth[1]
        rows.append([round(rng.expovariate(r), 6) for r in rates])
    rows = with_holes(rows, rng, 0.2)
    columns = ['t1', 't2']
    write_csv('packages/exponential/fixtures/incomplete/data.csv', columns, rows)
    start = start_json('exponential', columns, [0.5, 0.5], [[1.5, 0.8], [0.5, 2.0]])
    write('packages/exponential/fixtures/incomplete/start.json', start)
    trace, weights, rates = independent_em(rows, [0.5, 0.5], [[1.5, 0.8], [0.5, 2.0]], 100, exp_cell, lambda r: 1.0 / r)
    return {
        'source': 'scripts/incomplete-data-reference.py (pure-Python strict EM with expected statistics, E[x] = 1/rate for a missing cell)',
        'family': 'exponential',
        'n': len(rows),
        'missing_cells': sum(v is None for r in rows for v in r),
        'data': 'data.csv',
        'start': 'start.json',
        'iterations': 100,
        'trace': trace,
        'final': {'weights': weights, 'components': [{'rate': r} for r in rates]},
    }


def poisson_missing_reference():
    """Poisson mixture, k = 2, d = 3, 150 rows drawn with random.Random(20261502) from
    0.45 Poisson(2, 7, 4) + 0.55 Poisson(6, 1.5, 4), then 15% of the cells missing completely at
    random (never a whole row). The log-likelihood includes -log x! of the observed cells. Start:
    weights (0.5, 0.5), rates (3, 5, 3) and (4, 3, 5). 100 iterations."""
    import random
    rng = random.Random(20261502)
    truth = [(0.45, [2.0, 7.0, 4.0]), (0.55, [6.0, 1.5, 4.0])]

    def poisson(lam):
        # Knuth's method (small rates).
        limit = math.exp(-lam)
        k, p = 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    rows = []
    for _ in range(150):
        w, rates = truth[0] if rng.random() < truth[0][0] else truth[1]
        rows.append([poisson(r) for r in rates])
    rows = with_holes(rows, rng, 0.15)
    columns = ['n1', 'n2', 'n3']
    write_csv('packages/families/fixtures/poisson-missing/data.csv', columns, rows)
    start = start_json('poisson', columns, [0.5, 0.5], [[3.0, 5.0, 3.0], [4.0, 3.0, 5.0]])
    write('packages/families/fixtures/poisson-missing/start.json', start)
    trace, weights, rates = independent_em(rows, [0.5, 0.5], [[3.0, 5.0, 3.0], [4.0, 3.0, 5.0]], 100, poisson_cell, lambda r: r)
    return {
        'source': 'scripts/incomplete-data-reference.py (pure-Python strict EM with expected statistics, E[x] = rate for a missing cell; -log x! over the observed cells)',
        'family': 'poisson',
        'n': len(rows),
        'd': 3,
        'k': 2,
        'columns': columns,
        'missing_cells': sum(v is None for r in rows for v in r),
        'data': 'data.csv',
        'start': 'start.json',
        'iterations': 100,
        'trace': trace,
        'final': {'weights': weights, 'components': [{'rate': r} for r in rates]},
    }


def frozen_weights_reference():
    """The lecture 1-D example (packages/gaussian/fixtures/lecture-1d/data.csv: 500 points from
    0.3 N(-2, 1) + 0.7 N(3, 1.5^2)) with the mixing weights held at (0.3, 0.7): the maximiser of
    the log-likelihood over the two means and two variances alone, found by direct numerical
    maximisation (scipy.optimize.minimize, BFGS on (mu1, mu2, log s1, log s2) with an analytic
    gradient, then Newton polishing on a finite-difference Hessian; no EM), and its BIC with
    p = 4 free parameters (5 when the weights are free)."""
    from scipy.optimize import minimize

    path = os.path.join(ROOT, 'packages/gaussian/fixtures/lecture-1d/data.csv')
    with open(path, newline='') as f:
        x = np.array([float(r[0]) for r in list(csv.reader(f))[1:]])
    w = np.array([0.3, 0.7])

    def negll(theta):
        mu = theta[:2]
        logs = theta[2:]
        z = (x[:, None] - mu[None, :]) / np.exp(logs)[None, :]
        lp = np.log(w)[None, :] - 0.5 * math.log(2 * math.pi) - logs[None, :] - 0.5 * z * z
        mx = lp.max(axis=1, keepdims=True)
        s = mx[:, 0] + np.log(np.exp(lp - mx).sum(axis=1))
        g = np.exp(lp - s[:, None])
        grad_mu = (g * z / np.exp(logs)[None, :]).sum(axis=0)
        grad_logs = (g * (z * z - 1)).sum(axis=0)
        return -s.sum(), -np.concatenate([grad_mu, grad_logs])

    r = minimize(negll, np.array([-1.0, 1.0, 0.0, 0.0]), jac=True, method='BFGS', options={'gtol': 1e-12, 'maxiter': 10000})
    theta = r.x
    for _ in range(5):
        h = 1e-5
        grad = negll(theta)[1]
        hess = np.zeros((4, 4))
        for a in range(4):
            e = np.zeros(4)
            e[a] = h
            hess[:, a] = (negll(theta + e)[1] - negll(theta - e)[1]) / (2 * h)
        theta = theta - np.linalg.solve(0.5 * (hess + hess.T), grad)
    ll = -negll(theta)[0]
    n = len(x)
    return {
        'data': 'packages/gaussian/fixtures/lecture-1d/data.csv',
        'weights': w.tolist(),
        'method': 'scipy.optimize.minimize BFGS (gtol 1e-12) on (mu1, mu2, log s1, log s2), then 5 Newton steps',
        'gradient_at_optimum': negll(theta)[1].tolist(),
        'means': theta[:2].tolist(),
        'variances': np.exp(2 * theta[2:]).tolist(),
        'loglik': float(ll),
        'free_parameters': 4,
        'bic': float(-2 * ll + 4 * math.log(n)),
    }


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
    write('packages/gaussian/fixtures/incomplete/frozen-weights-lecture.json', frozen_weights_reference())
    write('packages/exponential/fixtures/incomplete/reference.json', exponential_missing_reference())
    write('packages/families/fixtures/poisson-missing/reference.json', poisson_missing_reference())


if __name__ == '__main__':
    main()
