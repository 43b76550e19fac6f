import { AdamaxScalars } from './adamax-scalars.js';

const f32 = Math.fround;

/**
 * The Adamax update of `rows` rows of `bins` parameters, each element's step scaled by its row's
 * and its bin's factor (the proportionate and per-bin step control of a partitioned filter), in
 * place in one heap (element offsets). For row r, bin k, with w₀ the weight before the step:
 * ```
 * m ← m + (g − m) · c1;  u ← max(β2 · u, |g|)            (as adamaxUpdate, every op float32)
 * w_a = w₀ − (lr · m) / (k · (u + ε))
 * w   = w₀ + (f_r · s_k) · (w_a − w₀)
 * ```
 * every op float32; f_r = `heap[rowStep + r]`, s_k = `heap[binStep + k]` (`binStep` < 0: no
 * multiply, the factor is f_r). This is `adamaxUpdate` followed by the scaling pass
 * `w₀ + f_r·s_k·(w − w₀)` over a copy of the weights taken before it, bit for bit, without the
 * copy; it is the reference of the wasm kernel `adamax_scaled` (every op in f32x4 lanes). The
 * scalars lr, c1, β2, ε, k come from the block at `heap[sc]` (slots of {@link AdamaxScalars}).
 */
export function adamaxScaledUpdate(
  heap: Float32Array,
  w: number,
  g: number,
  m: number,
  u: number,
  rows: number,
  bins: number,
  sc: number,
  rowStep: number,
  binStep: number,
): void {
  const lr = heap[sc + AdamaxScalars.lr]!;
  const c1 = heap[sc + AdamaxScalars.c1]!;
  const beta2 = heap[sc + AdamaxScalars.beta2]!;
  const eps = heap[sc + AdamaxScalars.eps]!;
  const k = heap[sc + AdamaxScalars.k]!;
  for (let r = 0; r < rows; r++) {
    const f = heap[rowStep + r]!;
    for (let b = 0; b < bins; b++) {
      const i = r * bins + b;
      const gi = heap[g + i]!;
      const mNew = f32(heap[m + i]! + f32(f32(gi - heap[m + i]!) * c1));
      const uNew = Math.max(f32(beta2 * heap[u + i]!), Math.abs(gi));
      heap[m + i] = mNew;
      heap[u + i] = uNew;
      const w0 = heap[w + i]!;
      const wa = f32(w0 - f32(f32(lr * mNew) / f32(k * f32(uNew + eps))));
      const s = binStep < 0 ? f : f32(f * heap[binStep + b]!);
      heap[w + i] = f32(w0 + f32(s * f32(wa - w0)));
    }
  }
}
