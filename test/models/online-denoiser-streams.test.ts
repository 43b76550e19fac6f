/**
 * One OnlineDenoiser object serves many streams: the model is configuration only and every stream's
 * data (analysis history, noise smoothing, rise detector, speech presence, last loss) lives in the
 * stream's own state. Two streams interleaved frame by frame through ONE model give exactly what each
 * gives alone, and what a stream reads back after its frame (presence, lastLoss) is its own even when
 * the other stream ran in between.
 */
import { describe, expect, it } from 'vitest';
import {
  OnlineDenoiser,
  type OnlineDenoiserOptions,
  type OnlineDenoiserState,
} from '../../src/models/online-denoiser.js';
import { Adamax } from '../../src/optim/adamax.js';
import { loadSpeech, makeMix } from './denoiser-fixtures.js';

const fs = 16000;
const speech = loadSpeech();
const SIGNALS = [
  makeMix(speech, 'white', -10, 3, 3, { at: 1.5 * fs, db: 15 }).noisy, // a broadband rise: the rise detector jumps
  makeMix(speech, 'pink', 0, 11, 3).noisy,
];

/** What one stream produced: outputs, per-frame presence and loss, final parameters, rise-detector jumps. */
interface Trace {
  readonly output: Float32Array;
  readonly presence: Float64Array;
  readonly loss: Float64Array;
  readonly params: Float32Array;
  jumps: number;
}

/** One stream of its own: parameters, optimizer, state and frame buffers. */
function openStream(den: OnlineDenoiser, x: Float32Array, frames: number) {
  const core = new Adamax(den.optimizerOptions).buildFlat(den.layout);
  den.warmStart(core.params, x);
  const state: OnlineDenoiserState = den.createState();
  const h = den.frameSize;
  const trace: Trace = {
    output: new Float32Array(frames * h),
    presence: new Float64Array(frames * den.bins),
    loss: new Float64Array(frames),
    params: core.params,
    jumps: 0,
  };
  const out = new Float32Array(h);
  const before = new Float32Array(core.params.length);
  /** Learns frame `f` (`viaLearn`: the one-call `learn`, else `step` + `postStep`). */
  const advance = (f: number, viaLearn: boolean): void => {
    const frame = [x.subarray(f * h, (f + 1) * h)];
    if (viaLearn) den.learn(core.params, state, frame, out, core.grads);
    else {
      const loss = den.step(core.params, state, frame, out, core.grads);
      expect(loss).toBe(state.lastLoss[0]);
      before.set(core.params);
      den.postStep(core.params, state, core.grads);
      if (core.params.some((v, i) => v !== before[i])) trace.jumps++;
    }
    core.step();
    trace.output.set(out, f * h);
  };
  /** Records what the stream reads back after frame `f`. */
  const record = (f: number): void => {
    trace.presence.set(state.presence, f * den.bins);
    trace.loss[f] = state.lastLoss[0]!;
  };
  return { advance, record, trace, state };
}

function runAlone(options: OnlineDenoiserOptions, x: Float32Array, viaLearn: boolean): Trace {
  const den = new OnlineDenoiser(options);
  const frames = Math.floor(x.length / den.frameSize);
  const s = openStream(den, x, frames);
  for (let f = 0; f < frames; f++) {
    s.advance(f, viaLearn);
    s.record(f);
  }
  return s.trace;
}

function runInterleaved(options: OnlineDenoiserOptions, viaLearn: boolean): Trace[] {
  const den = new OnlineDenoiser(options);
  const frames = Math.min(...SIGNALS.map((x) => Math.floor(x.length / den.frameSize)));
  const streams = SIGNALS.map((x) => openStream(den, x, frames));
  for (let f = 0; f < frames; f++) {
    for (const s of streams) s.advance(f, viaLearn);
    for (const s of streams) s.record(f); // after the other stream's frame
  }
  return streams.map((s) => s.trace);
}

/** Index of the first element where `a` and `b` differ (Object.is), −1 when equal (a cheap report on long arrays). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('OnlineDenoiser: streams sharing one model', () => {
  const configs: [string, OnlineDenoiserOptions, boolean][] = [
    ['defaults (OM-LSA, rise detector), step + postStep', {}, false],
    ['Wiener, broadband + tonal, learn', { gainRule: 'wiener', broadband: true, tonal: true }, true],
  ];
  for (const [name, options, viaLearn] of configs) {
    it(`two interleaved streams equal each stream alone: ${name}`, () => {
      const together = runInterleaved(options, viaLearn);
      SIGNALS.forEach((x, i) => {
        const alone = runAlone(options, x, viaLearn);
        const t = together[i]!;
        expect(firstDifference(t.output, alone.output), `stream ${i} output`).toBe(-1);
        expect(firstDifference(t.presence, alone.presence), `stream ${i} presence`).toBe(-1);
        expect(firstDifference(t.loss, alone.loss), `stream ${i} loss`).toBe(-1);
        expect(firstDifference(t.params, alone.params), `stream ${i} params`).toBe(-1);
      });
      // the two streams differ, so a mix-up could not go unnoticed
      expect(firstDifference(together[0]!.presence, together[1]!.presence)).not.toBe(-1);
      expect(firstDifference(together[0]!.loss, together[1]!.loss)).not.toBe(-1);
      if (!viaLearn) expect(together[0]!.jumps).toBeGreaterThan(0);
    });
  }

  it('the stream state holds presence and loss, so a checkpoint (structuredClone) carries them', () => {
    const den = new OnlineDenoiser();
    const x = SIGNALS[1]!;
    const s = openStream(den, x, 40);
    for (let f = 0; f < 40; f++) s.advance(f, true);
    const saved = structuredClone(s.state);
    expect(firstDifference(saved.presence, s.state.presence)).toBe(-1);
    expect(saved.lastLoss[0]).toBe(s.state.lastLoss[0]);
    expect(s.state.presence.some((p) => p > 0)).toBe(true);
    expect(Object.keys(den).filter((k) => k === 'presence' || k === 'lastLoss')).toEqual([]);
  });
});
