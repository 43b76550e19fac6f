#!/usr/bin/env python3
"""Writes test/fixtures/numpy-powf.json: NumPy's float32 power on this host, both kernels NumPy uses.

  svml: numpy.power on float32 arrays, which NumPy dispatches to Intel SVML's powf16 on AVX-512 CPUs
        (this script refuses to run elsewhere, since the values would then be libm's);
  libm: glibc's powf called through ctypes, which NumPy calls on CPUs without AVX-512.

"powers": x = beta (float32), y = t = 1..n (float32); "pairs": random (x, y).
Values are float32 bit patterns, little-endian, base64. Run: python3 scripts/gen-powf-fixture.py
"""
import base64, ctypes, json, platform
from pathlib import Path
import numpy as np
from numpy._core._multiarray_umath import __cpu_features__ as feats

if not feats.get("AVX512_SKX"):
    raise SystemExit("needs an AVX-512 CPU: NumPy uses SVML's powf only there")
libm = ctypes.CDLL("libm.so.6")
libm.powf.restype = ctypes.c_float
libm.powf.argtypes = [ctypes.c_float, ctypes.c_float]

def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()

def both(x, y):
    return {
        "svml": b64(np.power(x, y)),
        "libm": b64(np.array([libm.powf(float(a), float(b)) for a, b in zip(x, y)], dtype=np.float32)),
    }

powers = []  # the bias correction: x = beta, y = t = 1..n
for beta, n in [(0.9, 20000), (0.999, 20000), (0.99, 3000), (0.9999, 3000), (0.85, 3000), (0.5, 200), (0.95, 3000)]:
    powers.append({"beta": beta, "n": n, **both(np.full(n, beta, dtype=np.float32), np.arange(1, n + 1, dtype=np.float32))})
rng = np.random.default_rng(14)
x = np.exp(rng.uniform(-20, 20, 4000)).astype(np.float32)
y = rng.uniform(-20, 20, 4000).astype(np.float32)
pairs = {"label": "random x in [e^-20, e^20], y in [-20, 20]", "x": b64(x), "y": b64(y), **both(x, y)}

out = {
    "meta": {
        "what": "float32 x ** y from NumPy's two float32 power kernels: svml = numpy.power on an AVX-512 host, libm = glibc powf",
        "generator": "scripts/gen-powf-fixture.py",
        "numpy_version": np.__version__,
        "glibc": platform.libc_ver()[1],
        "encoding": "base64 of little-endian float32 arrays",
    },
    "powers": powers,
    "pairs": pairs,
}
path = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "numpy-powf.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
