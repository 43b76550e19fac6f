/**
 * FilterState: the whole state of the reference canceller (both designs the factory builds, 16 and
 * 48 kHz) captured at any point and restored into a freshly built canceller continues the stream
 * bit for bit; a state of another design or rate, or garbage, is refused with a typed error and
 * leaves the target unchanged.
 */
import { describe, expect, it } from 'vitest';
import { FilterState } from '../../src/core/filter-state.js';
import { AdamaxStreamError, createReferenceCanceller, referenceCancellerConfig } from '../../src/index.js';
import { ReferenceStreamModel } from '../../src/serve/reference-stream-model.js';

/** Primary = reference through a path that changes, plus speech-like bursts; reference on/off. */
function blocks(B: number, n: number, seed: number): { d: Float32Array[]; x: Float32Array[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const d: Float32Array[] = [];
  const x: Float32Array[] = [];
  for (let k = 0; k < n; k++) {
    const xk = new Float32Array(B);
    const dk = new Float32Array(B);
    const level = (k > n / 2 ? 3 : 1) * (k % 400 < 250 ? 1 : 0.001);
    for (let i = 0; i < B; i++) {
      xk[i] = rnd() * level;
      const prev = i > 0 ? xk[i - 1]! : 0;
      dk[i] = 0.6 * xk[i]! + (k > n / 3 ? 0.3 : -0.2) * prev + 0.1 * Math.sin((k * B + i) / 9) * (k % 90 < 45 ? 1 : 0);
    }
    d.push(dk);
    x.push(xk);
  }
  return { d, x };
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('FilterState', () => {
  for (const design of ['one-path', 'two-path'] as const) {
    for (const rate of [16000, 48000]) {
      it(`${design} at ${rate} Hz: capture at any block, restore into a new canceller, identical output after`, () => {
        const make = () => createReferenceCanceller(referenceCancellerConfig(rate, { model: { design } }), rate);
        const B = make().frameSize;
        const n = 1200;
        const { d, x } = blocks(B, n, rate + design.length);
        const whole = make();
        const expected = d.map((dk, k) => {
          const o = new Float32Array(B);
          whole.process([dk, x[k]!], o);
          return o;
        });
        for (const cut of [1, 7, 260, 777]) {
          const a = make();
          const o = new Float32Array(B);
          for (let k = 0; k < cut; k++) a.process([d[k]!, x[k]!], o);
          const state = FilterState.capture(a);
          // Restored into a canceller that already ran other audio (its values are all replaced).
          const b = make();
          for (let k = 0; k < 8; k++) b.process([x[n - 1 - k]!, d[k]!], o);
          FilterState.restore(b, state);
          let first = -1;
          for (let k = cut; k < n && first < 0; k++) {
            b.process([d[k]!, x[k]!], o);
            if (!bytes(o).equals(bytes(expected[k]!))) first = k;
          }
          expect(first, `first differing block after a cut at ${cut}`).toBe(-1);
        }
      });
    }
  }

  it('refuses a state of another design or rate, and garbage, leaving the target unchanged', () => {
    const run = (f: ReturnType<typeof createReferenceCanceller>) => {
      const B = f.frameSize;
      const { d, x } = blocks(B, 20, 5);
      const o = new Float32Array(B);
      for (let k = 0; k < 20; k++) f.process([d[k]!, x[k]!], o);
      return f;
    };
    const one16 = run(
      createReferenceCanceller(referenceCancellerConfig(16000, { model: { design: 'one-path' } }), 16000),
    );
    const two16 = run(
      createReferenceCanceller(referenceCancellerConfig(16000, { model: { design: 'two-path' } }), 16000),
    );
    const one48 = run(
      createReferenceCanceller(referenceCancellerConfig(48000, { model: { design: 'one-path' } }), 48000),
    );
    const before = FilterState.capture(one16);
    for (const state of [
      FilterState.capture(two16),
      FilterState.capture(one48),
      new Uint8Array(3),
      new Uint8Array(64),
    ]) {
      let error: unknown = null;
      try {
        FilterState.restore(one16, state);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AdamaxStreamError);
      expect((error as AdamaxStreamError).code).toBe('checkpoint_invalid');
      expect(Buffer.from(FilterState.capture(one16)).equals(Buffer.from(before))).toBe(true);
    }
  });

  it('the reference stream model resumes from its checkpoint bit for bit (256-sample frames, two interleaved channels)', () => {
    const rate = 48000;
    const { d, x } = blocks(256, 300, 9);
    const frames = d.map((dk, k) => {
      const f = new Float32Array(512);
      for (let i = 0; i < 256; i++) {
        f[2 * i] = dk[i]!;
        f[2 * i + 1] = x[k]![i]!;
      }
      return f;
    });
    const whole = new ReferenceStreamModel(rate, null);
    const expected = frames.map((f) => whole.step(f).slice());
    const a = new ReferenceStreamModel(rate, null);
    for (let k = 0; k < 120; k++) a.step(frames[k]!);
    const b = new ReferenceStreamModel(rate, a.checkpoint());
    for (let k = 120; k < 300; k++)
      expect(bytes(b.step(frames[k]!)).equals(bytes(expected[k]!)), `frame ${k}`).toBe(true);
    // The same as the canceller from the factory over 128-sample blocks in a plain loop.
    const f = createReferenceCanceller(referenceCancellerConfig(rate), rate);
    const B = f.frameSize;
    const out = new Float32Array(256);
    const o = new Float32Array(B);
    for (let k = 0; k < 300; k++) {
      for (let s = 0; s < 256; s += B) {
        f.process([d[k]!.subarray(s, s + B), x[k]!.subarray(s, s + B)], o);
        out.set(o, s);
      }
      expect(bytes(out).equals(bytes(expected[k]!)), `frame ${k} vs the factory's canceller`).toBe(true);
    }
  });
});
