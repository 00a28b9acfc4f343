#!/usr/bin/env python3
"""Reference values for @emkit/core's Special functions, from mpmath at 40 significant digits.

Writes packages/core/fixtures/special-reference.json: for each function a list of [x, f(x)]
(logBeta: [a, b, f]) with f rounded to the nearest double. Arguments are spread log-uniformly over
each function's range, plus points near the zeros of log-gamma (1, 2) and the root of digamma.

Run from the repository root:  python3 scripts/special-reference.py
"""
import json
import os
import random

import mpmath as mp

mp.mp.dps = 40
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = random.Random(20261201)


def spread(lo, hi, n):
    return [float(mp.mpf(10) ** mp.mpf(rng.uniform(lo, hi))) for _ in range(n)]


near = [1 + d for d in (-1e-3, -1e-6, 1e-9, 1e-5, 0.3, -0.3)] + [2 + d for d in (-1e-8, -1e-4, 1e-7, 1e-3, 0.4, -0.45)]
xs = sorted(set(spread(-3, 10, 300) + near + [0.5, 1.5, 2.5, 3.5, 9.999, 10.0001, 0.1, 4.25]))
root = float(mp.findroot(mp.digamma, 1.46))
digamma_xs = sorted(set(spread(-3, 10, 300) + [root * (1 + e) for e in (1e-3, -1e-2, 0.2)] + [0.5, 1, 2, 9.99, 10.01]))
out = {
    'source': 'scripts/special-reference.py (mpmath %s, 40 digits)' % mp.__version__,
    'logGamma': [[x, float(mp.loggamma(x))] for x in xs],
    'logFactorial': [[n, float(mp.loggamma(n + 1))] for n in list(range(0, 60)) + [100, 171, 1000, 123456, 10**6, 10**9]],
    'digamma': [[x, float(mp.digamma(x))] for x in digamma_xs],
    'trigamma': [[x, float(mp.polygamma(1, x))] for x in sorted(set(spread(-3, 10, 300) + [0.5, 1, 2, 9.99, 10.01]))],
    'logBeta': [[a, b, float(mp.log(mp.beta(a, b)))] for a, b in zip(spread(-2, 3, 100), spread(-2, 3, 100))],
    'digammaRoot': root,
}
with open(os.path.join(ROOT, 'packages/core/fixtures/special-reference.json'), 'w') as f:
    json.dump(out, f, indent=0)
    f.write('\n')
