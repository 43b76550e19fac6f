const f32 = Math.fround;

/** numpy's pairwise-sum block size (`PW_BLOCKSIZE`) and its reduction buffer size. */
const PW_BLOCK = 128;
const NPY_BUFSIZE = 8192;

function pairwise(x: Float32Array, off: number, n: number, square: boolean): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) {
      const v = x[off + i]!;
      res = f32(res + (square ? f32(v * v) : v));
    }
    return res;
  }
  if (n <= PW_BLOCK) {
    let r0: number;
    let r1: number;
    let r2: number;
    let r3: number;
    let r4: number;
    let r5: number;
    let r6: number;
    let r7: number;
    if (square) {
      r0 = f32(x[off]! * x[off]!);
      r1 = f32(x[off + 1]! * x[off + 1]!);
      r2 = f32(x[off + 2]! * x[off + 2]!);
      r3 = f32(x[off + 3]! * x[off + 3]!);
      r4 = f32(x[off + 4]! * x[off + 4]!);
      r5 = f32(x[off + 5]! * x[off + 5]!);
      r6 = f32(x[off + 6]! * x[off + 6]!);
      r7 = f32(x[off + 7]! * x[off + 7]!);
    } else {
      r0 = x[off]!;
      r1 = x[off + 1]!;
      r2 = x[off + 2]!;
      r3 = x[off + 3]!;
      r4 = x[off + 4]!;
      r5 = x[off + 5]!;
      r6 = x[off + 6]!;
      r7 = x[off + 7]!;
    }
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = off + i;
      if (square) {
        r0 = f32(r0 + f32(x[p]! * x[p]!));
        r1 = f32(r1 + f32(x[p + 1]! * x[p + 1]!));
        r2 = f32(r2 + f32(x[p + 2]! * x[p + 2]!));
        r3 = f32(r3 + f32(x[p + 3]! * x[p + 3]!));
        r4 = f32(r4 + f32(x[p + 4]! * x[p + 4]!));
        r5 = f32(r5 + f32(x[p + 5]! * x[p + 5]!));
        r6 = f32(r6 + f32(x[p + 6]! * x[p + 6]!));
        r7 = f32(r7 + f32(x[p + 7]! * x[p + 7]!));
      } else {
        r0 = f32(r0 + x[p]!);
        r1 = f32(r1 + x[p + 1]!);
        r2 = f32(r2 + x[p + 2]!);
        r3 = f32(r3 + x[p + 3]!);
        r4 = f32(r4 + x[p + 4]!);
        r5 = f32(r5 + x[p + 5]!);
        r6 = f32(r6 + x[p + 6]!);
        r7 = f32(r7 + x[p + 7]!);
      }
    }
    let res = f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
    for (; i < n; i++) {
      const v = x[off + i]!;
      res = f32(res + (square ? f32(v * v) : v));
    }
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(pairwise(x, off, n2, square) + pairwise(x, off + n2, n - n2, square));
}

/**
 * Σ x² over `x[off .. off+n)` in float32, reproducing numpy's `np.sum(np.square(x))` for a
 * contiguous float32 array bit for bit: pairwise summation (8-way unrolled blocks of ≤ 128,
 * recursive halving above) inside reduction chunks of 8192 elements that are added in order.
 * This is the reduction Keras' numpy backend uses for `clipnorm` / `global_clipnorm`.
 */
export function sumSquares(x: Float32Array, off: number, n: number): number {
  let acc = 0;
  for (let start = 0; start < n; start += NPY_BUFSIZE) {
    const len = Math.min(NPY_BUFSIZE, n - start);
    acc = f32(acc + pairwise(x, off + start, len, true));
  }
  return acc;
}

/** Σ x over `x[off .. off+n)` in float32 with numpy's pairwise order (see {@link sumSquares}). */
export function sumFloat32(x: Float32Array, off: number, n: number): number {
  let acc = 0;
  for (let start = 0; start < n; start += NPY_BUFSIZE) {
    const len = Math.min(NPY_BUFSIZE, n - start);
    acc = f32(acc + pairwise(x, off + start, len, false));
  }
  return acc;
}
