#!/usr/bin/env python3
"""Writes test/fixtures/pystoi-reference.json: STOI values computed by pystoi (the reference Python
implementation of Taal et al. 2011, https://github.com/mpariente/pystoi) for several clips and rates.

Needs numpy, scipy and pystoi (`pip install pystoi`; the committed fixture was made with pystoi 0.4.1,
commit 74872b0, numpy 2.4.6, scipy 1.17.1). Run: python3 scripts/gen-stoi-fixture.py

Each case: a clean clip (a speech fixture at 16 kHz, or one resampled by scipy and stored as int16),
and a processed clip derived from it by a rule the test repeats exactly in float64:
  s[i] = clean[i], or (clean[i-1] + clean[i] + clean[i+1]) / 3 (zeros outside) when `smooth`;
  noise[i] = ((i * 1103515245 + 12345 + seed) mod 2^31) / 2^31 - 0.5;
  processed[i] = float32(s[i] + gain * noise[i]).
"""
import base64, json, wave
from pathlib import Path
import numpy as np
from scipy.signal import resample_poly
import pystoi
from pystoi import stoi

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "test" / "fixtures" / "speech"


def read16(name):
    with wave.open(str(SPEECH / name)) as w:
        assert w.getframerate() == 16000 and w.getsampwidth() == 2 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def processed(clean, smooth, gain, seed):
    c = clean.astype(np.float64)
    if smooth:
        p = np.concatenate([[0.0], c, [0.0]])
        s = (p[:-2] + p[1:-1] + p[2:]) / 3
    else:
        s = c
    i = np.arange(len(c), dtype=np.int64)
    noise = ((i * 1103515245 + 12345 + seed) % 2**31).astype(np.float64) / 2**31 - 0.5
    return (s + gain * noise).astype(np.float32)


cases = []
for label, name, rate, up, down, seconds, smooth, snr_db, seed in [
    ("s01 16 kHz, white noise 5 dB", "s01-en-us-m.wav", 16000, 1, 1, None, False, 5, 1),
    ("s03 16 kHz, smoothed + noise -5 dB", "s03-en-f3.wav", 16000, 1, 1, None, True, -5, 2),
    ("s05 8 kHz, noise 0 dB", "s05-en-us-f2.wav", 8000, 1, 2, 3.0, False, 0, 3),
    ("s06 10 kHz, smoothed + noise 10 dB", "s06-en-scotland-f4.wav", 10000, 5, 8, 3.0, True, 10, 4),
    ("s07 22.05 kHz, noise 3 dB", "s07-en-rp-m7.wav", 22050, 441, 320, 2.0, False, 3, 5),
    ("s08 48 kHz, smoothed + noise 15 dB", "s08-en-caribbean-f5.wav", 48000, 3, 1, 1.5, True, 15, 6),
]:
    pcm = read16(name)
    case = {"label": label, "rate": rate, "smooth": smooth, "seed": seed}
    if up == down:
        case["wav"] = name
        clean = (pcm.astype(np.float32) / 32768).astype(np.float32)
    else:
        x = pcm.astype(np.float64) / 32768
        y = resample_poly(x, up, down)[: int(seconds * rate)]
        q = np.clip(np.round(y * 32768), -32768, 32767).astype("<i2")
        case["int16"] = base64.b64encode(q.tobytes()).decode()
        clean = (q.astype(np.float32) / 32768).astype(np.float32)
    rms = float(np.sqrt(np.mean(clean.astype(np.float64) ** 2)))
    # white noise of variance 1/12 scaled to the SNR
    case["gain"] = rms / 10 ** (snr_db / 20) * np.sqrt(12)
    proc = processed(clean, smooth, case["gain"], seed)
    case["stoi"] = float(stoi(clean.astype(np.float64), proc.astype(np.float64), rate))
    case["stoi_identity"] = float(stoi(clean.astype(np.float64), clean.astype(np.float64), rate))
    cases.append(case)
    print(label, case["stoi"])

out = {
    "meta": {
        "what": "STOI (Taal et al. 2011) reference values from pystoi, clean vs processed",
        "generator": "scripts/gen-stoi-fixture.py",
        "pystoi": getattr(pystoi, "__version__", "0.4.1"),
        "numpy": np.__version__,
    },
    "cases": cases,
}
(ROOT / "test" / "fixtures" / "pystoi-reference.json").write_text(json.dumps(out, indent=1) + "\n")
