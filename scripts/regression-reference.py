#!/usr/bin/env python3
"""Independent reference fits for mixtures of regressions (issue 18), on flexmix's NPreg data.

No emkit code, no R. Data: packages/core/fixtures/regression/npreg.csv, flexmix's `NPreg` data set
(flexmix 2.3-20, data/NPreg.RData, read with a small R-serialisation reader and written with
Python's repr, so every double round-trips; see packages/core/fixtures/regression/README.md).

Every case runs EM from a documented start (the start's JSON is written next to the reference) for
a fixed 50 iterations with no stopping rule; trace[t] is the total observed-data log-likelihood
Σᵢ log Σⱼ πⱼ f(yᵢ | xᵢ, θⱼ) at the parameters after t M-steps (trace[0] at the start).
Responsibilities use log-sum-exp; sums over rows use math.fsum.

Cases
  gaussian-ml        yn ~ x + I(x^2), k = 2, mixtools' regmixEM conventions: per component the
                     weighted least-squares β (numpy.linalg.lstsq on √γ·X, √γ·y, LAPACK gelsd) and
                     the ML variance σ² = Σ γ r² / Σ γ (mixtools 2.0.0.1, R/regmixEM.R, arbvar = TRUE;
                     its all.loglik is this trace: ℓ at the start, then after each iteration).
  gaussian-flexmix   the same with flexmix's FLXMRglm convention:
                     σ² = (Σ γ r² / mean(γ)) / (n − p), n = 200 rows, p = 3 coefficients
                     (flexmix 2.3-20, R/models.R: sum(fit$weights * fit$residuals^2 /
                     mean(fit$weights)) / (nrow(x) - fit$rank)).
  poisson            yp ~ x, k = 2, log link, log f = y η − exp(η) − log y!.
  logistic           yb ~ x, k = 2, logit link, log f = y η − log(1 + e^η).
For the GLMs the M-step maximises Σ γ log f(y | x, β) by Newton's method in IRLS form from the
previous β: working response z = η + (y − μ)/V, working weights γ·V (V = μ for Poisson, μ(1 − μ)
for the logit), β' = lstsq(√(γV)·X, √(γV)·z); a step that lowers the weighted log-likelihood by more than
1e-13·(1 + |value|) (rounding: near the maximum a Newton step moves the objective below its last
digit) is halved (up to 60 times; then the previous β is kept); iterations stop when
max|β' − β| ≤ 1e-13·(1 + max|β|) or after 100. This converges quadratically, so the result is the
weighted MLE to rounding and does not depend on the stopping details.
Weights πⱼ = Σᵢ γᵢⱼ / n.

Writes packages/core/fixtures/regression/<case>.start.json and reference.json.
Run from the repository root:  python3 scripts/regression-reference.py
(the committed outputs were made with /usr/bin/python3, Python 3.11, numpy 2.4.6).
"""
import csv
import json
import math
import os

import numpy as np

BASE = os.path.join("packages", "core", "fixtures", "regression")
ITERATIONS = 1000


def read_npreg():
    with open(os.path.join(BASE, "npreg.csv")) as f:
        rows = list(csv.DictReader(f))
    return {name: np.array([float(r[name]) for r in rows]) for name in rows[0]}


def lse(v):
    m = max(v)
    if m == -math.inf:
        return m
    return m + math.log(math.fsum(math.exp(a - m) for a in v))


def em(X, y, start, log_density, m_step, iterations):
    n = len(y)
    weights = list(start["weights"])
    comps = [dict(c) for c in start["components"]]
    k = len(comps)

    def e_step():
        logf = [log_density(X, y, c) for c in comps]
        total = []
        resp = np.zeros((k, n))
        for i in range(n):
            a = [math.log(weights[j]) + logf[j][i] for j in range(k)]
            s = lse(a)
            total.append(s)
            for j in range(k):
                resp[j, i] = math.exp(a[j] - s)
        return math.fsum(total), resp

    ll, resp = e_step()
    trace = [ll]
    for _ in range(iterations):
        comps = [m_step(X, y, resp[j], comps[j]) for j in range(k)]
        weights = [math.fsum(resp[j]) / n for j in range(k)]
        ll, resp = e_step()
        trace.append(ll)
    return trace, weights, comps


def gaussian_log_density(X, y, c):
    mu = X @ np.array(c["coefficients"])
    s2 = c["variance"]
    return [-0.5 * math.log(2 * math.pi * s2) - (y[i] - mu[i]) ** 2 / (2 * s2) for i in range(len(y))]


def wls(X, y, w):
    sw = np.sqrt(w)
    beta = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
    return beta


def gaussian_m_step(convention):
    def step(X, y, w, _previous):
        beta = wls(X, y, w)
        r = y - X @ beta
        rss = math.fsum(w * r * r)
        if convention == "ml":
            s2 = rss / math.fsum(w)
        else:
            n, p = X.shape
            s2 = rss / (math.fsum(w) / n) / (n - p)
        return {"coefficients": [float(b) for b in beta], "variance": s2}

    return step


def glm(kind):
    def log_density_rows(X, y, beta):
        eta = X @ np.array(beta)
        if kind == "poisson":
            return [y[i] * eta[i] - math.exp(eta[i]) - math.lgamma(y[i] + 1) for i in range(len(y))]
        return [y[i] * eta[i] - (eta[i] + math.log1p(math.exp(-eta[i])) if eta[i] > 0 else math.log1p(math.exp(eta[i]))) for i in range(len(y))]

    def log_density(X, y, c):
        return log_density_rows(X, y, c["coefficients"])

    def objective(X, y, w, beta):
        return math.fsum(w * np.array(log_density_rows(X, y, beta)))

    def m_step(X, y, w, previous):
        beta = np.array(previous["coefficients"], dtype=float)
        value = objective(X, y, w, beta)
        for _ in range(100):
            eta = X @ beta
            if kind == "poisson":
                mu = np.exp(eta)
                v = mu
            else:
                mu = 1 / (1 + np.exp(-eta))
                v = mu * (1 - mu)
            z = eta + (y - mu) / v
            proposal = wls(X, z, w * v)
            new_value = objective(X, y, w, proposal)
            floor = value - 1e-13 * (1 + abs(value))
            halvings = 0
            while not (new_value >= floor) and halvings < 60:
                proposal = (beta + proposal) / 2
                new_value = objective(X, y, w, proposal)
                halvings += 1
            if not (new_value >= floor):
                break
            change = float(np.max(np.abs(proposal - beta)))
            beta, value = proposal, new_value
            if change <= 1e-13 * (1 + float(np.max(np.abs(beta)))):
                break
        return {"coefficients": [float(b) for b in beta]}

    return log_density, m_step


def model_file(family, formula, terms, start):
    return {
        "format": "emkit.mixture/v1",
        "family": family,
        "formula": formula,
        "terms": terms,
        "weights": start["weights"],
        "components": start["components"],
    }


def main():
    data = read_npreg()
    x = data["x"]
    one = np.ones_like(x)
    quad = np.column_stack([one, x, x * x])
    lin = np.column_stack([one, x])
    gaussian_start = {
        "weights": [0.4, 0.6],
        "components": [
            {"coefficients": [2.0, 4.0, 0.0], "variance": 16.0},
            {"coefficients": [10.0, 7.0, -0.5], "variance": 16.0},
        ],
    }
    poisson_start = {"weights": [0.5, 0.5], "components": [{"coefficients": [1.5, -0.1]}, {"coefficients": [0.5, 0.15]}]}
    logistic_start = {"weights": [0.4, 0.6], "components": [{"coefficients": [-2.0, 0.6]}, {"coefficients": [1.0, -0.3]}]}
    poisson_density, poisson_step = glm("poisson")
    logistic_density, logistic_step = glm("logistic")
    cases = [
        ("gaussian-ml", "regression", "yn ~ x + I(x^2)", ["(Intercept)", "x", "I(x^2)"], quad, data["yn"], gaussian_start,
         gaussian_log_density, gaussian_m_step("ml"), "ml", ITERATIONS),
        ("gaussian-flexmix", "regression", "yn ~ x + I(x^2)", ["(Intercept)", "x", "I(x^2)"], quad, data["yn"], gaussian_start,
         gaussian_log_density, gaussian_m_step("flexmix"), "flexmix", ITERATIONS),
        ("poisson", "poisson-glm", "yp ~ x", ["(Intercept)", "x"], lin, data["yp"], poisson_start, poisson_density, poisson_step, None, ITERATIONS),
        # 50 iterations only: a mixture of two logistic regressions of a 0/1 response is weakly
        # identified, and EM drifts: between iterations 200 and 400 one class's slope grows from 0.4
        # to 4.4, heading for a separating step where μ(1 − μ) underflows (numpy's IRLS meets 0/0
        # before iteration 1000).
        ("logistic", "logistic", "yb ~ x", ["(Intercept)", "x"], lin, data["yb"], logistic_start, logistic_density, logistic_step, None, 50),
    ]
    reference = {"data": "npreg.csv", "cases": {}}
    for name, family, formula, terms, X, y, start, density, step, variance, iterations in cases:
        trace, weights, comps = em(X, y, start, density, step, iterations)
        start_file = name + ".start.json"
        with open(os.path.join(BASE, start_file), "w") as f:
            json.dump(model_file(family, formula, terms, start), f, indent=2)
            f.write("\n")
        entry = {"family": family, "formula": formula, "start": start_file, "iterations": iterations, "trace": trace, "weights": weights, "components": comps}
        if variance is not None:
            entry["variance"] = variance
        reference["cases"][name] = entry
        print(name, trace[0], trace[-1], weights)
    with open(os.path.join(BASE, "reference.json"), "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
