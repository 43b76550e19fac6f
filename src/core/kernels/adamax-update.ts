import { AdamaxScalars } from './adamax-scalars.js';

const f32 = Math.fround;

/**
 * The scalars of a block as plain numbers, shared by the kernels below: one object, refilled by
 * each call (no allocation; doubles from the start, so its fields never change representation).
 */
const regs = { lr: 0.5, c1: 0.5, beta2: 0.5, eps: 0.5, k: 0.5, mom: 0.5, om: 0.5 };

/** Reads the {@link AdamaxScalars} block at `sc[scOff]` into `regs` and returns it. */
function readScalars(sc: Float32Array, scOff: number): typeof regs {
  regs.lr = sc[scOff + AdamaxScalars.lr]!;
  regs.c1 = sc[scOff + AdamaxScalars.c1]!;
  regs.beta2 = sc[scOff + AdamaxScalars.beta2]!;
  regs.eps = sc[scOff + AdamaxScalars.eps]!;
  regs.k = sc[scOff + AdamaxScalars.k]!;
  regs.mom = sc[scOff + AdamaxScalars.mom]!;
  regs.om = sc[scOff + AdamaxScalars.om]!;
  return regs;
}

/**
 * The Keras 3 Adamax update of one contiguous run of parameters, in float32, in place.
 *
 * For i in [0, n):
 * ```
 * m ← m + (g − m) · c1            c1 = f32(1 − β1)   (the difference first, then the product)
 * u ← max(β2 · u, |g|)            (ε is not inside the max)
 * w ← w − (lr · m) / (k · (u + ε))   k = 1 − β1^t    (one division, one subtraction)
 * ```
 * Every operation is rounded to float32 (`Math.fround`), in Keras' order, so the result is
 * bit-identical to Keras' float32 arithmetic (keras/src/optimizers/adamax.py `update_step`).
 * The scalars lr, c1, β2, ε, k are read from the float32 block `sc` at `scOff` (slots of
 * {@link AdamaxScalars}), as the wasm kernel reads them from memory.
 *
 * `w`, `g` are read at `wOff`/`gOff`; `m`, `u` at `sOff`. No allocation, no checks: callers
 * validate lengths once at the edge.
 */
export function adamaxUpdate(
  w: Float32Array,
  wOff: number,
  g: Float32Array,
  gOff: number,
  m: Float32Array,
  u: Float32Array,
  sOff: number,
  n: number,
  sc: Float32Array,
  scOff: number,
): void {
  const { lr, c1, beta2, eps, k } = readScalars(sc, scOff);
  for (let i = 0; i < n; i++) {
    const gi = g[gOff + i]!;
    const mi = m[sOff + i]!;
    const mNew = f32(mi + f32(f32(gi - mi) * c1));
    const bu = f32(beta2 * u[sOff + i]!);
    const ag = Math.abs(gi);
    // np.maximum propagates NaN from either operand; Math.max does the same.
    const uNew = Math.max(bu, ag);
    m[sOff + i] = mNew;
    u[sOff + i] = uNew;
    const wi = w[wOff + i]!;
    w[wOff + i] = f32(wi - f32(f32(lr * mNew) / f32(k * f32(uNew + eps))));
  }
}

/**
 * Look-ahead of {@link adamaxUpdate} (and, with `avg`, of the EMA `avg ← mom · avg + om · w` of the
 * updated weights, as `emaUpdate`): the same float32 operations on the same inputs, nothing stored.
 * Returns true when every new m, u, w (and avg) would be finite. An engine that checks this first
 * needs no backup of its buffers to reject a non-finite step. Scalars (with mom, om) from `sc`.
 */
export function adamaxFinite(
  w: Float32Array,
  wOff: number,
  g: Float32Array,
  gOff: number,
  m: Float32Array,
  mOff: number,
  u: Float32Array,
  uOff: number,
  n: number,
  sc: Float32Array,
  scOff: number,
  avg: Float32Array | null,
  avgOff: number,
): boolean {
  const { lr, c1, beta2, eps, k, mom, om } = readScalars(sc, scOff);
  for (let i = 0; i < n; i++) {
    const gi = g[gOff + i]!;
    const mi = m[mOff + i]!;
    const mNew = f32(mi + f32(f32(gi - mi) * c1));
    const uNew = Math.max(f32(beta2 * u[uOff + i]!), Math.abs(gi));
    const wNew = f32(w[wOff + i]! - f32(f32(lr * mNew) / f32(k * f32(uNew + eps))));
    // x − x is 0 for finite x and NaN for ±Infinity and NaN
    if (mNew - mNew !== 0 || uNew - uNew !== 0 || wNew - wNew !== 0) return false;
    if (avg !== null) {
      const a = f32(f32(mom * avg[avgOff + i]!) + f32(om * wNew));
      if (a - a !== 0) return false;
    }
  }
  return true;
}
