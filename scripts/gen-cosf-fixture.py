#!/usr/bin/env python3
"""Writes test/fixtures/numpy-cosf.json: NumPy's float32 cos on this host (numpy.cos on float32 arrays).

On CPUs with fused multiply-add (x86-64 AVX2/FMA3 or AVX-512, ARM64) NumPy computes it with its own
vector kernel (Cody-Waite reduction + minimax polynomials), which the cosine learning-rate schedules of
Keras' numpy backend call; this script refuses to run on a host without FMA3.

"schedule": the arguments the cosine schedules produce, float32(pi) * float32(s / d) for d in a few
decay lengths and every s in 0..d; "random": x uniform in [-80000, 80000] and in [-4, 4], plus special
values. Values are float32 bit patterns, little-endian, base64. Run: python3 scripts/gen-cosf-fixture.py
"""
import base64, json, platform
from pathlib import Path
import numpy as np
from numpy._core._multiarray_umath import __cpu_features__ as feats

if not feats.get("FMA3"):
    raise SystemExit("needs a CPU with FMA3: NumPy uses its FMA cos kernel only there")

def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()

pi = np.float32(np.pi)
sched = []
for d in [3, 7, 1000, 2000, 4000]:
    s = np.arange(0, d + 1, dtype=np.float32)
    sched.append(pi * (s / np.float32(d)))
sched = np.concatenate(sched).astype(np.float32)
rng = np.random.default_rng(14)
special = np.array([0.0, -0.0, 1e-30, -1e-30, np.pi / 2, np.pi, 2 * np.pi, 71476.0625, -71476.0625, 1e30,
                    np.inf, -np.inf, np.nan], dtype=np.float32)
rand = np.concatenate([rng.uniform(-80000, 80000, 4000), rng.uniform(-4, 4, 4000)]).astype(np.float32)
x = np.concatenate([sched, rand, special]).astype(np.float32)
out = {
    "meta": {
        "what": "numpy.cos on float32 arrays: x and cos(x) as float32 bit patterns (little-endian, base64)",
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpu_features": sorted(k for k, v in feats.items() if v and k in ("FMA3", "AVX2", "AVX512F", "AVX512_SKX")),
        "generator": "scripts/gen-cosf-fixture.py",
    },
    "count": int(x.size),
    "x": b64(x),
    "cos": b64(np.cos(x)),
}
path = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "numpy-cosf.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path} ({x.size} values)")
