/** The bit-reversal permutation of 0..n−1 for a power-of-two n (radix-2 FFT input order). */
export function bitReversal(n: number): Uint32Array {
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    let v = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (v & 1);
      v >>= 1;
    }
    rev[i] = r;
  }
  return rev;
}
