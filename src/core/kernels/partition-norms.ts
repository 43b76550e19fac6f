/**
 * The Euclidean norm of each partition of a partitioned filter's complex weights, in one heap
 * (element offsets): partition p is `bins` real parts at `re + p·bins` and imaginary parts at
 * `im + p·bins`, and
 * ```
 * e_p = Σ_{k=0}^{bins−1} (re_k² + im_k²)     summed in float64, in k order from 0
 * out[p] = f32(√e_p)
 * ```
 * (a float32 times itself is exact in float64, so each term rounds once, and each sum once). The
 * reference of the wasm kernel `partition_norms`, which runs two partitions' sums in the two lanes
 * of an f64x2, each in the same order, so that it is bit-identical to this loop.
 */
export function partitionNorms(
  heap: Float32Array,
  re: number,
  im: number,
  bins: number,
  parts: number,
  out: number,
): void {
  for (let p = 0; p < parts; p++) {
    let e = 0;
    for (let k = p * bins; k < (p + 1) * bins; k++) e += heap[re + k]! * heap[re + k]! + heap[im + k]! * heap[im + k]!;
    heap[out + p] = Math.sqrt(e);
  }
}
