#!/usr/bin/env python3
"""Independent reference fits for the new families of issue 13 (poisson, bernoulli, categorical,
gamma, product).

Pure Python, no emkit code: data drawn from random.Random with fixed seeds, EM written from the
textbook formulas, run from a given start (start.json) for a fixed 50 iterations with no stopping
rule. Sums over rows use math.fsum (correctly rounded), responsibilities use log-sum-exp. The only
non-stdlib dependency is mpmath (Debian's python3-mpmath), used for the gamma family's digamma and
trigamma only: mpmath.digamma(a) and mpmath.psi(1, a), evaluated at 30 significant digits and
rounded to float. Everything else is math/random.

Families (log-densities as in ../shared/DESIGN.md, "More of the model JSON"):
  poisson      log f = Σ_c x_c log λ_c − λ_c − log x_c!   (math.lgamma(x + 1); the −log x! is included)
               M-step λ_jc = Σ wγx / Σ wγ
  bernoulli    log f = Σ_c x_c log p_c + (1 − x_c) log(1 − p_c);   p_jc = Σ wγx / Σ wγ
  categorical  one column of 0-based levels, log f = log p_x;       p_jv = Σ wγ[x = v] / Σ wγ
  gamma        log f = Σ_c a_c log b_c − lgamma(a_c) + (a_c − 1) log x_c − b_c x_c
               M-step per component and coordinate: W = Σ wγ, m = Σ wγx / W, l = Σ wγ log x / W,
               s = log m − l; a₀ = (3 − s + sqrt((s − 3)² + 24 s)) / (12 s) (Minka 2002); Newton
               a ← a − g(a) / g'(a), g(a) = log a − ψ(a) − s, g'(a) = 1/a − ψ'(a), until
               |Δa| ≤ 1e-15·a or 100 iterations (a step that would make a ≤ 0 halves a instead);
               then b = a / m.
  gaussian     (as a product part) full covariance, log f = −½ (d log 2π + log|Σ| + (x−μ)ᵀΣ⁻¹(x−μ));
               M-step weighted mean, weighted covariance about the new mean divided by W, no
               regularisation.
  product      log f = Σ over parts of the part's log f on its columns; the M-step is each part's.
Weights πⱼ = Σᵢ wᵢγᵢⱼ / Σᵢ wᵢ; the log-likelihood is Σᵢ wᵢ log Σⱼ πⱼ f(xᵢ | θⱼ) (wᵢ = 1 when the
case has no sample weights).

Writes, for each case, packages/families/fixtures/<case>/{data.csv, start.json, reference.json}
(and weights.csv for the weighted Poisson case); see packages/families/fixtures/README.md.

Run from the repository root:  python3 scripts/new-families-reference.py
(the committed outputs were made with /usr/bin/python3, Python 3.11, mpmath 1.2.1).
"""
import json
import math
import os
import random

import mpmath

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("packages", "families", "fixtures")
SCRIPT = "scripts/new-families-reference.py"
ITERATIONS = 50


def logsumexp(v):
    m = max(v)
    if m == -math.inf:
        return -math.inf
    return m + math.log(math.fsum(math.exp(x - m) for x in v))


# ----------------------------------------------------------------- special functions (gamma only)
def digamma(a):
    with mpmath.workdps(30):
        return float(mpmath.digamma(mpmath.mpf(a)))


def trigamma(a):
    with mpmath.workdps(30):
        return float(mpmath.psi(1, mpmath.mpf(a)))


# ----------------------------------------------------------------- families
# Each family: logpdf(x, comp) with x the row restricted to the family's columns, and
# mstep(xs, wg, W) -> comp, xs the rows restricted to the columns, wg the weights wᵢγᵢⱼ, W = Σ wg.
class Poisson:
    name = "poisson"

    def logpdf(self, x, comp):
        return math.fsum(xc * math.log(l) - l - math.lgamma(xc + 1) for xc, l in zip(x, comp["rate"]))

    def mstep(self, xs, wg, W):
        d = len(xs[0])
        return {"rate": [math.fsum(g * x[c] for g, x in zip(wg, xs)) / W for c in range(d)]}

    def check(self, comp):
        assert all(l > 0 and math.isfinite(l) for l in comp["rate"]), comp


class Bernoulli:
    name = "bernoulli"

    def logpdf(self, x, comp):
        return math.fsum(math.log(p) if xc == 1 else math.log1p(-p) for xc, p in zip(x, comp["probabilities"]))

    def mstep(self, xs, wg, W):
        d = len(xs[0])
        return {"probabilities": [math.fsum(g * x[c] for g, x in zip(wg, xs)) / W for c in range(d)]}

    def check(self, comp):
        assert all(0 < p < 1 for p in comp["probabilities"]), comp


class Categorical:
    name = "categorical"

    def __init__(self, V):
        self.V = V

    def logpdf(self, x, comp):
        return math.log(comp["probabilities"][x[0]])

    def mstep(self, xs, wg, W):
        return {"probabilities": [math.fsum(g for g, x in zip(wg, xs) if x[0] == v) / W for v in range(self.V)]}

    def check(self, comp):
        assert all(0 < p < 1 for p in comp["probabilities"]), comp


def gamma_shape(s):
    """The shape a solving log a − ψ(a) = s (s > 0) by the documented Newton iteration."""
    a = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(100):
        g = math.log(a) - digamma(a) - s
        dg = 1 / a - trigamma(a)
        step = g / dg
        nxt = a - step
        if nxt <= 0:
            nxt = a / 2
        done = abs(nxt - a) <= 1e-15 * a
        a = nxt
        if done:
            break
    return a


class Gamma:
    name = "gamma"

    def logpdf(self, x, comp):
        return math.fsum(
            a * math.log(b) - math.lgamma(a) + (a - 1) * math.log(xc) - b * xc
            for xc, a, b in zip(x, comp["shape"], comp["rate"])
        )

    def mstep(self, xs, wg, W):
        d = len(xs[0])
        shape, rate = [], []
        for c in range(d):
            m = math.fsum(g * x[c] for g, x in zip(wg, xs)) / W
            l = math.fsum(g * math.log(x[c]) for g, x in zip(wg, xs)) / W
            s = math.log(m) - l
            assert s > 0, s
            a = gamma_shape(s)
            shape.append(a)
            rate.append(a / m)
        return {"shape": shape, "rate": rate}

    def check(self, comp):
        assert all(a > 0 for a in comp["shape"]) and all(b > 0 for b in comp["rate"]), comp


def cholesky(S):
    d = len(S)
    L = [[0.0] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1):
            v = S[i][j] - math.fsum(L[i][k] * L[j][k] for k in range(j))
            if i == j:
                assert v > 0, S
                L[i][i] = math.sqrt(v)
            else:
                L[i][j] = v / L[j][j]
    return L


class Gaussian:
    name = "gaussian"

    def logpdf(self, x, comp):
        mu, S = comp["mean"], comp["covariance"]
        d = len(mu)
        L = cholesky(S)
        z = []
        for i in range(d):  # forward solve L z = x − μ
            z.append((x[i] - mu[i] - math.fsum(L[i][k] * z[k] for k in range(i))) / L[i][i])
        logdet = 2 * math.fsum(math.log(L[i][i]) for i in range(d))
        return -0.5 * (d * math.log(2 * math.pi) + logdet + math.fsum(v * v for v in z))

    def mstep(self, xs, wg, W):
        d = len(xs[0])
        mu = [math.fsum(g * x[c] for g, x in zip(wg, xs)) / W for c in range(d)]
        S = [
            [math.fsum(g * (x[a] - mu[a]) * (x[b] - mu[b]) for g, x in zip(wg, xs)) / W for b in range(d)]
            for a in range(d)
        ]
        for a in range(d):  # exact symmetry
            for b in range(a):
                S[a][b] = S[b][a]
        return {"mean": mu, "covariance": S}

    def check(self, comp):
        cholesky(comp["covariance"])


class Product:
    name = "product"

    def __init__(self, parts):
        self.parts = parts  # list of (family, columns)

    def logpdf(self, x, comp):
        return math.fsum(
            fam.logpdf([x[c] for c in cols], p) for (fam, cols), p in zip(self.parts, comp["parts"])
        )

    def mstep(self, xs, wg, W):
        return {"parts": [fam.mstep([[x[c] for c in cols] for x in xs], wg, W) for fam, cols in self.parts]}

    def check(self, comp):
        for (fam, _), p in zip(self.parts, comp["parts"]):
            fam.check(p)


# ----------------------------------------------------------------- EM
def em(fam, rows, sw, weights, comps, iterations):
    n = len(rows)
    k = len(weights)
    sw = sw if sw is not None else [1.0] * n
    total = math.fsum(sw)
    trace = []
    resp = None
    for t in range(iterations + 1):
        for c in comps:
            fam.check(c)
        resp = []
        terms = []
        for x, w in zip(rows, sw):
            joint = [math.log(weights[j]) + fam.logpdf(x, comps[j]) for j in range(k)]
            s = logsumexp(joint)
            terms.append(w * s)
            resp.append([math.exp(a - s) for a in joint])
        trace.append(math.fsum(terms))
        if t == iterations:
            break
        new_w, new_c = [], []
        for j in range(k):
            wg = [w * r[j] for w, r in zip(sw, resp)]
            W = math.fsum(wg)
            new_w.append(W / total)
            new_c.append(fam.mstep(rows, wg, W))
        weights, comps = new_w, new_c
    return trace, weights, comps, resp


# ----------------------------------------------------------------- sampling
def poisson_draw(rng, lam):
    # Knuth's multiplication method (fine for the small rates used here).
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def pick(rng, weights):
    u = rng.random()
    for j, w in enumerate(weights):
        if u < w:
            return j
        u -= w
    return len(weights) - 1


def draw_row(rng, fam, comp):
    if isinstance(fam, Poisson):
        return [poisson_draw(rng, l) for l in comp["rate"]]
    if isinstance(fam, Bernoulli):
        return [1 if rng.random() < p else 0 for p in comp["probabilities"]]
    if isinstance(fam, Categorical):
        return [pick(rng, comp["probabilities"])]
    if isinstance(fam, Gamma):
        return [rng.gammavariate(a, 1 / b) for a, b in zip(comp["shape"], comp["rate"])]
    if isinstance(fam, Gaussian):
        L = cholesky(comp["covariance"])
        z = [rng.gauss(0.0, 1.0) for _ in comp["mean"]]
        return [m + math.fsum(L[i][k] * z[k] for k in range(i + 1)) for i, m in enumerate(comp["mean"])]
    if isinstance(fam, Product):
        d = 1 + max(c for _, cols in fam.parts for c in cols)
        row = [None] * d
        for (f, cols), p in zip(fam.parts, comp["parts"]):
            for c, v in zip(cols, draw_row(rng, f, p)):
                row[c] = v
        return row
    raise TypeError(fam)


def sample(rng, fam, truth, n):
    rows, labels = [], []
    for _ in range(n):
        j = pick(rng, truth["weights"])
        labels.append(j)
        rows.append(draw_row(rng, fam, truth["components"][j]))
    return rows, labels


# ----------------------------------------------------------------- output
def write_json(path, obj):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    print("wrote", path)


def cell(v):
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def write_csv(path, header, rows):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(cell(v) for v in r) + "\n")
    print("wrote", path)


def model_file(fam, columns, weights, comps, extra):
    m = {"format": "emkit.mixture/v1", "family": fam.name}
    m.update(extra)
    m["dimension"] = len(columns)
    m["columns"] = columns
    m["weights"] = weights
    m["components"] = comps
    return m


def run_case(case, fam, columns, seed, truth, n, start_w, start_c, extra=None, sample_weights=None, note=None):
    extra = extra or {}
    rng = random.Random(seed)
    rows, labels = sample(rng, fam, truth, n)
    sw = sample_weights(rng, n) if sample_weights else None
    trace, w, comps, resp = em(fam, rows, sw, start_w, start_c, ITERATIONS)
    for a, b in zip(trace, trace[1:]):
        assert b >= a - 1e-12 * abs(a), (case, a, b)
    soft = sum(1 for r in resp if max(r) < 0.99)
    d = len(columns)
    base = os.path.join(OUT, case)
    write_csv(os.path.join(base, "data.csv"), columns, rows)
    if sw is not None:
        write_csv(os.path.join(base, "weights.csv"), ["w"], [[v] for v in sw])
    write_json(os.path.join(base, "start.json"), model_file(fam, columns, start_w, start_c, extra))
    ref = {
        "source": SCRIPT + " (pure-Python EM from the textbook formulas, log-sum-exp responsibilities, "
        "math.fsum sums; the " + fam.name + " case '" + case + "')",
        "family": fam.name,
        "seed": seed,
        "truth": dict(extra, weights=truth["weights"], components=truth["components"]),
        "n": n,
        "d": d,
        "k": len(start_w),
        "columns": columns,
        "data": "data.csv",
        "start": "start.json",
        "sampleWeights": "weights.csv" if sw is not None else None,
        "iterations": ITERATIONS,
        "trace": trace,
        "final": dict(extra, weights=w, components=comps),
        "softRowsAtFinal": soft,
    }
    if sw is None:
        del ref["sampleWeights"]
    else:
        ref["sampleWeightsNote"] = (
            "weights.csv: one column named w, one row per data row (same order); the log-likelihood is "
            "Σ wᵢ log p(xᵢ) and the mixing weights Σ wᵢγᵢⱼ / Σ wᵢ"
        )
    if note:
        ref["note"] = note
    write_json(os.path.join(base, "reference.json"), ref)
    print("  %s: n=%d trace %.12g -> %.12g, rows with max responsibility < 0.99 at the end: %d" % (case, n, trace[0], trace[-1], soft))
    return labels


def cases():
    # 1a. Poisson, d = 2, k = 3, unweighted
    run_case(
        "poisson", Poisson(), ["n1", "n2"], 20261301,
        {"weights": [0.3, 0.4, 0.3], "components": [{"rate": [1.5, 6.0]}, {"rate": [5.0, 2.0]}, {"rate": [9.0, 8.0]}]},
        150,
        [0.3, 0.3, 0.4], [{"rate": [2.0, 4.0]}, {"rate": [4.0, 3.0]}, {"rate": [7.0, 7.0]}],
    )

    # 1b. Poisson, d = 2, k = 2, per-row sample weights (weights.csv), two rows of weight exactly 0
    def poisson_weights(rng, n):
        w = [round(rng.uniform(0.25, 3.0), 3) for _ in range(n)]
        w[7] = 0.0
        w[42] = 0.0
        w[11] = 5.0
        return w

    run_case(
        "poisson-weighted", Poisson(), ["n1", "n2"], 20261302,
        {"weights": [0.45, 0.55], "components": [{"rate": [2.0, 7.0]}, {"rate": [6.0, 1.5]}]},
        150,
        [0.5, 0.5], [{"rate": [3.0, 5.0]}, {"rate": [4.0, 3.0]}],
        sample_weights=poisson_weights,
    )

    # 2. Bernoulli, d = 5, k = 3
    run_case(
        "bernoulli", Bernoulli(), ["b1", "b2", "b3", "b4", "b5"], 20261303,
        {"weights": [0.4, 0.35, 0.25], "components": [
            {"probabilities": [0.8, 0.7, 0.2, 0.3, 0.6]},
            {"probabilities": [0.2, 0.3, 0.8, 0.7, 0.5]},
            {"probabilities": [0.7, 0.2, 0.3, 0.85, 0.15]},
        ]},
        200,
        [0.34, 0.33, 0.33], [
            {"probabilities": [0.6, 0.55, 0.4, 0.45, 0.5]},
            {"probabilities": [0.4, 0.45, 0.6, 0.55, 0.5]},
            {"probabilities": [0.55, 0.4, 0.45, 0.6, 0.35]},
        ],
    )

    # 3. Categorical, one column, V = 4, k = 2
    run_case(
        "categorical", Categorical(4), ["level"], 20261304,
        {"weights": [0.55, 0.45], "components": [
            {"probabilities": [0.5, 0.3, 0.15, 0.05]},
            {"probabilities": [0.1, 0.2, 0.3, 0.4]},
        ]},
        200,
        [0.6, 0.4], [
            {"probabilities": [0.4, 0.3, 0.2, 0.1]},
            {"probabilities": [0.2, 0.2, 0.3, 0.3]},
        ],
        note=(
            "A mixture of categoricals over one column is not identifiable: only the mixed marginal "
            "Σⱼ πⱼ pⱼ is. One EM step from any interior start makes that marginal equal to the observed "
            "level frequencies (the maximum), and every later step is a fixed point, so trace[1..50] are "
            "equal up to rounding and final = θ₁. The case checks the kernel and one M-step; "
            "product-categorical has a categorical part with a non-trivial run."
        ),
    )

    # 4a. Gamma, d = 1, k = 2
    run_case(
        "gamma-1d", Gamma(), ["x"], 20261305,
        {"weights": [0.5, 0.5], "components": [{"shape": [2.0], "rate": [2.0]}, {"shape": [9.0], "rate": [3.0]}]},
        200,
        [0.5, 0.5], [{"shape": [1.0], "rate": [1.0]}, {"shape": [4.0], "rate": [1.0]}],
    )

    # 4b. Gamma, d = 2, k = 2
    run_case(
        "gamma-2d", Gamma(), ["x1", "x2"], 20261306,
        {"weights": [0.4, 0.6], "components": [
            {"shape": [2.0, 5.0], "rate": [1.0, 2.0]},
            {"shape": [6.0, 1.5], "rate": [1.5, 1.0]},
        ]},
        200,
        [0.5, 0.5], [
            {"shape": [1.5, 3.0], "rate": [1.0, 1.5]},
            {"shape": [3.0, 2.0], "rate": [1.0, 1.0]},
        ],
    )

    # 5. Product: Gaussian (full) over columns 0-1, Poisson over 2, Bernoulli over 3
    prod = Product([(Gaussian(), [0, 1]), (Poisson(), [2]), (Bernoulli(), [3])])
    parts_json = [
        {"family": "gaussian", "covariance": "full", "columns": [0, 1]},
        {"family": "poisson", "columns": [2]},
        {"family": "bernoulli", "columns": [3]},
    ]
    run_case(
        "product", prod, ["g1", "g2", "n", "b"], 20261307,
        {"weights": [0.4, 0.6], "components": [
            {"parts": [{"mean": [0.0, 0.0], "covariance": [[1.0, 0.5], [0.5, 1.5]]}, {"rate": [2.0]}, {"probabilities": [0.25]}]},
            {"parts": [{"mean": [2.0, 1.0], "covariance": [[1.5, -0.4], [-0.4, 0.8]]}, {"rate": [6.0]}, {"probabilities": [0.7]}]},
        ]},
        300,
        [0.5, 0.5], [
            {"parts": [{"mean": [0.5, 0.0], "covariance": [[2.0, 0.0], [0.0, 2.0]]}, {"rate": [3.0]}, {"probabilities": [0.4]}]},
            {"parts": [{"mean": [1.5, 1.0], "covariance": [[2.0, 0.0], [0.0, 2.0]]}, {"rate": [5.0]}, {"probabilities": [0.6]}]},
        ],
        extra={"parts": parts_json},
    )

    # 6. Product with a categorical part: categorical (V = 4) over column 0, Poisson over column 1
    prod2 = Product([(Categorical(4), [0]), (Poisson(), [1])])
    run_case(
        "product-categorical", prod2, ["level", "n"], 20261308,
        {"weights": [0.5, 0.5], "components": [
            {"parts": [{"probabilities": [0.5, 0.3, 0.15, 0.05]}, {"rate": [1.5]}]},
            {"parts": [{"probabilities": [0.1, 0.2, 0.3, 0.4]}, {"rate": [6.0]}]},
        ]},
        200,
        [0.5, 0.5], [
            {"parts": [{"probabilities": [0.3, 0.3, 0.2, 0.2]}, {"rate": [3.0]}]},
            {"parts": [{"probabilities": [0.2, 0.25, 0.25, 0.3]}, {"rate": [4.0]}]},
        ],
        extra={"parts": [{"family": "categorical", "columns": [0]}, {"family": "poisson", "columns": [1]}]},
    )


if __name__ == "__main__":
    cases()
