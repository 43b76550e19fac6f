/**
 * Mean of `ch` interleaved channels of `pcm` into `out` (`out.length` samples per channel):
 * out[i] = (1/ch) · Σ_c pcm[i·ch + c]. Allocation-free.
 */
export function downmixInto(pcm: Float32Array, ch: number, out: Float32Array): void {
  if (ch === 1) {
    for (let i = 0; i < out.length; i++) out[i] = pcm[i]!;
    return;
  }
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = 0; c < ch; c++) s += pcm[i * ch + c]!;
    out[i] = s / ch;
  }
}
