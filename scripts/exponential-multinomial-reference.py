#!/usr/bin/env python3
"""Independent reference values for @emkit/exponential and @emkit/multinomial.

Pure Python (math.lgamma, math.log, math.exp; no emkit code): data drawn from random.Random with
fixed seeds, EM written from the textbook formulas, run from a given start with no stopping rule.
Writes
  packages/exponential/fixtures/reference.json
  packages/multinomial/fixtures/reference.json
which the packages' tests compare against (trace to 1e-10 relative).

Run from the repository root:  python3 scripts/exponential-multinomial-reference.py
"""
import json
import math
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def logsumexp(v):
    m = max(v)
    if m == -math.inf:
        return -math.inf
    return m + math.log(sum(math.exp(x - m) for x in v))


# ---------------------------------------------------------------- exponential
def exp_log_density(x, rate):
    return sum(math.log(r) - r * xc for xc, r in zip(x, rate))


def exp_em(rows, weights, rates, iterations):
    n = len(rows)
    d = len(rows[0])
    k = len(weights)
    trace = []
    for t in range(iterations + 1):
        resp = []
        ll = 0.0
        for x in rows:
            joint = [math.log(weights[j]) + exp_log_density(x, rates[j]) for j in range(k)]
            s = logsumexp(joint)
            ll += s
            resp.append([math.exp(a - s) for a in joint])
        trace.append(ll)
        if t == iterations:
            break
        nk = [sum(resp[i][j] for i in range(n)) for j in range(k)]
        weights = [nk[j] / n for j in range(k)]
        rates = [[nk[j] / sum(resp[i][j] * rows[i][c] for i in range(n)) for c in range(d)] for j in range(k)]
    return trace, weights, rates


def exponential_reference():
    rng = random.Random(20260501)
    truth = [(0.35, [3.0, 0.5]), (0.65, [0.25, 2.0])]
    rows = []
    for _ in range(80):
        u = rng.random()
        w, rate = truth[0] if u < truth[0][0] else truth[1]
        rows.append([rng.expovariate(r) for r in rate])
    rows[3][0] = 0.0  # exact zeros are valid lifetimes
    rows[17][1] = 0.0
    init_w = [0.5, 0.5]
    init_r = [[1.0, 1.0], [0.5, 0.8]]
    iterations = 25
    trace, w, r = exp_em(rows, init_w, init_r, iterations)
    return {
        "source": "scripts/exponential-multinomial-reference.py (pure-Python EM from the closed forms)",
        "d": 2,
        "rows": rows,
        "init": {"weights": init_w, "rates": init_r},
        "iterations": iterations,
        "trace": trace,
        "final": {"weights": w, "rates": r},
    }


# ---------------------------------------------------------------- multinomial
def multi_em(rows, weights, probs, alpha, iterations):
    n = len(rows)
    V = len(rows[0])
    k = len(weights)
    base = [math.lgamma(sum(x) + 1) - sum(math.lgamma(c + 1) for c in x) for x in rows]

    def log_f(x, p):
        s = 0.0
        for c, q in zip(x, p):
            if c > 0:
                s += c * math.log(q) if q > 0 else -math.inf
        return s

    def log_prior(ps):
        if alpha == 0:
            return 0.0
        const = math.lgamma(V * (alpha + 1)) - V * math.lgamma(alpha + 1)
        return sum(const + sum(alpha * math.log(q) for q in p) for p in ps)

    trace = []
    for t in range(iterations + 1):
        resp = []
        ll = 0.0
        for i, x in enumerate(rows):
            joint = [math.log(weights[j]) + log_f(x, probs[j]) for j in range(k)]
            s = logsumexp(joint)
            ll += s + base[i]
            resp.append([math.exp(a - s) for a in joint])
        trace.append(ll + log_prior(probs))
        if t == iterations:
            break
        nk = [sum(resp[i][j] for i in range(n)) for j in range(k)]
        weights = [nk[j] / n for j in range(k)]
        new = []
        for j in range(k):
            counts = [sum(resp[i][j] * rows[i][v] for i in range(n)) for v in range(V)]
            tot = sum(counts)
            new.append([(c + alpha) / (tot + V * alpha) for c in counts])
        probs = new
    return trace, weights, probs, base


def multinomial_reference():
    rng = random.Random(20260502)
    topics = [
        (0.5, [0.40, 0.30, 0.15, 0.10, 0.05, 0.0]),
        (0.5, [0.05, 0.10, 0.15, 0.30, 0.40, 0.0]),
    ]
    rows = []
    for _ in range(40):
        w, p = topics[0] if rng.random() < 0.5 else topics[1]
        length = rng.randint(3, 30)
        x = [0] * len(p)
        for _ in range(length):
            u = rng.random()
            v = 0
            while v < len(p) - 1 and u >= p[v]:
                u -= p[v]
                v += 1
            x[v] += 1
        rows.append(x)
    rows[5] = [0] * 6  # a row with zero total count: valid, contributes 0
    rows[9] = [150, 0, 0, 210, 0, 0]  # large counts exercise the log-gamma
    init_w = [0.3, 0.7]
    init_p = [[0.3, 0.3, 0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.2, 0.2, 0.3, 0.1]]
    iterations = 20
    runs = {}
    for alpha in (0.0, 0.5):
        trace, w, p, base = multi_em(rows, init_w, init_p, alpha, iterations)
        runs[str(alpha)] = {"smoothing": alpha, "trace": trace, "final": {"weights": w, "probabilities": p}}
    return {
        "source": "scripts/exponential-multinomial-reference.py (pure-Python EM, math.lgamma for the coefficient)",
        "V": 6,
        "rows": rows,
        "logBaseMeasure": base,
        "init": {"weights": init_w, "probabilities": init_p},
        "iterations": iterations,
        "runs": runs,
        "lgamma": [[x, math.lgamma(x)] for x in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 7.25, 10.0, 23.5, 24.0, 101.0, 1000.5, 12345.0, 1e6, 1e6 + 1, 1e9 + 1, 1e15)],
    }


def write(path, obj):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    write("packages/exponential/fixtures/reference.json", exponential_reference())
    write("packages/multinomial/fixtures/reference.json", multinomial_reference())
