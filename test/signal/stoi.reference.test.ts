import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stoi } from '../../src/signal/stoi.js';
import { loadJson } from '../helpers/golden.js';

interface StoiCase {
  label: string;
  rate: number;
  smooth: boolean;
  seed: number;
  gain: number;
  wav?: string;
  int16?: string;
  stoi: number;
  stoi_identity: number;
}
const fx = loadJson<{ cases: StoiCase[] }>('pystoi-reference.json');

/** 16-bit PCM samples / 32768, from a 44-byte-header speech fixture or the fixture's base64. */
function cleanOf(c: StoiCase): Float32Array {
  const bytes = c.wav
    ? readFileSync(new URL(`../fixtures/speech/${c.wav}`, import.meta.url)).subarray(44)
    : Buffer.from(c.int16!, 'base64');
  const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Float32Array.from(pcm, (v) => v / 32768);
}

/** The processed clip, by the rule the fixture script applies (float64, rounded once to float32). */
function processedOf(c: StoiCase, clean: Float32Array): Float32Array {
  const out = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) {
    const s = c.smooth ? ((clean[i - 1] ?? 0) + clean[i]! + (clean[i + 1] ?? 0)) / 3 : clean[i]!;
    const noise = ((i * 1103515245 + 12345 + c.seed) % 2 ** 31) / 2 ** 31 - 0.5;
    out[i] = s + c.gain * noise;
  }
  return out;
}

describe('stoi matches pystoi (the reference implementation) within 1e-6 at 8, 10, 16, 22.05 and 48 kHz', () => {
  it.each(fx.cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const clean = cleanOf(c);
    const d = stoi(clean, processedOf(c, clean), c.rate);
    expect(Math.abs(d - c.stoi), `ours ${d}, pystoi ${c.stoi}`).toBeLessThan(1e-6);
    expect(Math.abs(stoi(clean, clean, c.rate) - c.stoi_identity)).toBeLessThan(1e-6);
  });
});
