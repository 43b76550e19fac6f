import { besselI0 } from './bessel-i0.js';
import { gcd } from './gcd.js';

/**
 * Rational resampling by p/q exactly as MATLAB/Octave `resample(x, p, q)` designs its filter and
 * SciPy's `resample_poly` applies it — the resampler of STOI's reference implementations (the
 * authors' `stoi.m` and pystoi). STOI scores move by up to ±0.003 with the anti-aliasing filter, so
 * {@link stoi} uses this one, while the general-purpose {@link resample} keeps its sharper 80 dB filter.
 *
 * Filter (Octave `resample`): after dividing p and q by their gcd, cut-off `f_c = 1/(2·max(p, q))`
 * (cycles per upsampled sample), roll-off `Δ = f_c/10`, 60 dB rejection, half-length
 * `L = ⌈(60 − 8) / (28.714·Δ)⌉`, taps `h[n] = 2p·f_c·sinc(2f_c·n)·kaiser(n; β = 5.6533)` for
 * n = −L..L, normalised to unit sum and multiplied by p.
 * Application (`resample_poly`): upsample by p (zeros between samples), convolve with h, keep every
 * q-th sample, aligned so that output sample m sits at input time m·q/p; length ⌈n·p/q⌉.
 *
 * @param x input samples (not modified)
 * @param p upsampling factor (positive integer)
 * @param q downsampling factor (positive integer)
 * @returns a new Float64Array of ⌈x.length·p/q⌉ samples
 */
export function octaveResample(x: ArrayLike<number>, p: number, q: number): Float64Array {
  const g = gcd(p, q);
  const up = p / g;
  const down = q / g;
  const h = octaveFilter(up, down);
  const halfLen = (h.length - 1) >> 1;
  const nIn = x.length;
  const nOut = Math.ceil((nIn * up) / down);
  const prePad = down - (halfLen % down);
  const preRemove = Math.floor((halfLen + prePad) / down);
  const out = new Float64Array(nOut);
  for (let m = 0; m < nOut; m++) {
    // Full-convolution index n of the upsampled, pre-padded filter output.
    const n = (m + preRemove) * down;
    // y[n] = Σ_i x[i] · hp[n − i·up], hp = h shifted right by prePad.
    const iMin = Math.max(0, Math.ceil((n - prePad - (h.length - 1)) / up));
    const iMax = Math.min(nIn - 1, Math.floor((n - prePad) / up));
    let acc = 0;
    for (let i = iMin; i <= iMax; i++) acc += x[i]! * h[n - prePad - i * up]!;
    out[m] = acc;
  }
  return out;
}

/** Octave `resample`'s Kaiser-windowed sinc for factors up/down, scaled as `resample_poly` uses it. */
function octaveFilter(up: number, down: number): Float64Array {
  const rejectionDb = 60;
  const cutoff = 1 / (2 * Math.max(up, down));
  const rollOff = cutoff / 10;
  const L = Math.ceil((rejectionDb - 8) / (28.714 * rollOff));
  const beta = 0.1102 * (rejectionDb - 8.7);
  const n = 2 * L + 1;
  const h = new Float64Array(n);
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const t = k - L;
    const a = 2 * cutoff * t;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
    const r = (2 * k) / (n - 1) - 1; // numpy.kaiser: I0(β·sqrt(1 − r²)) / I0(β)
    const w = besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
    h[k] = w * 2 * up * cutoff * sinc;
    sum += h[k]!;
  }
  for (let k = 0; k < n; k++) h[k] = (h[k]! / sum) * up;
  return h;
}
