"""One scikit-learn benchmark process: the same data, start and settings as emkit-run.mjs.

GaussianMixture(covariance_type=..., max_iter=50, tol=0, reg_covar=1e-6, weights_init/means_init/
precisions_init = the fixed start). Prints one JSON line; the final mean log-likelihood is
score(X) at the parameters after 50 M-steps, which is emkit's trace[50] / n.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

name, covariance, runs, bin_path, init_path, n, d, k = sys.argv[1:9]
n, d, k, runs = int(n), int(d), int(k), int(runs)
X = np.fromfile(bin_path, dtype="<f8").reshape(n, d)
start = json.load(open(init_path))
means = np.array(start["means"])
covs = np.array(start["covariances"])
if covariance == "full":
    precisions = np.array([np.linalg.inv(c) for c in covs])
elif covariance == "diag":
    precisions = np.array([1.0 / np.diag(c) for c in covs])
else:
    raise SystemExit(f"unsupported covariance {covariance}")
per_iteration = []
final = None
warnings.simplefilter("ignore", ConvergenceWarning)
for _ in range(runs):
    gm = GaussianMixture(
        n_components=k,
        covariance_type=covariance,
        max_iter=50,
        tol=0.0,
        reg_covar=1e-6,
        weights_init=np.array(start["weights"]),
        means_init=means,
        precisions_init=precisions,
    )
    t0 = time.perf_counter()
    gm.fit(X)
    t1 = time.perf_counter()
    assert gm.n_iter_ == 50, gm.n_iter_
    per_iteration.append((t1 - t0) / 50)
    final = float(gm.score(X))
per_iteration_sorted = sorted(per_iteration)
import resource

print(
    json.dumps(
        {
            "tool": "scikit-learn",
            "set": name,
            "covariance": covariance,
            "n": n,
            "d": d,
            "k": k,
            "runs": runs,
            "perIteration": per_iteration,
            "median": per_iteration_sorted[len(per_iteration_sorted) // 2],
            "meanLogLikelihood": final,
            "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "sklearn": __import__("sklearn").__version__,
        }
    )
)
