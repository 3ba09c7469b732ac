"""Writes src/test/resources/fixtures/cka/linear_cka.json: fixed matrices and their linear CKA computed
independently in float64 with numpy (Kornblith et al. 2019), for LinearCkaTest."""
import json
import pathlib

import numpy as np


def linear_cka(x, y):
    x = x - x.mean(axis=0, keepdims=True)
    y = y - y.mean(axis=0, keepdims=True)
    cross = np.linalg.norm(y.T @ x, "fro") ** 2
    return float(cross / (np.linalg.norm(x.T @ x, "fro") * np.linalg.norm(y.T @ y, "fro")))


rng = np.random.default_rng(20191)
cases = []
for name, n, d1, d2 in [("small", 5, 3, 4), ("wide", 8, 16, 6), ("tall", 40, 7, 7)]:
    x = rng.standard_normal((n, d1))
    y = 0.6 * x[:, :min(d1, d2)] @ rng.standard_normal((min(d1, d2), d2)) + rng.standard_normal((n, d2))
    x = np.round(x, 6)
    y = np.round(y, 6)
    cases.append({"name": name, "x": x.tolist(), "y": y.tolist(), "cka": linear_cka(x, y)})

out = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "cka" / "linear_cka.json"
out.write_text(json.dumps({"cases": cases}, indent=1) + "\n")
print(out, [c["cka"] for c in cases])
