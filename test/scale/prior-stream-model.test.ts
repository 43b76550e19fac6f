/**
 * Live serving's speech-prior stream model: 256-sample frames in, one 256-sample frame out per
 * frame, equal bit for bit to the prior `denoise` runs (`createPriorDenoiserFromConfig(priorConfig(
 * rate)).process`) shifted by the stated latency, at rates whose hop is below, equal to and above
 * the frame; a checkpoint taken after any frame (input and output queues included) continues the
 * stream bit for bit; a checkpoint of another model is refused with `CheckpointModelMismatchError`,
 * and a stream owner restarts such a stream with a fresh model and says why, while a stream of the
 * other single-channel model (or a checkpoint written before the model was recorded) continues
 * with the model that wrote it.
 */
import { describe, expect, it } from 'vitest';
import { CheckpointModelMismatchError, createPriorDenoiserFromConfig, priorConfig } from '../../src/index.js';
import { PRIOR_MODEL_VERSION } from '../../src/io/prior-model-version.js';
import { FRAME_SIZE } from '../../src/io/stream-keys.js';
import { SingleChannelStreamModel } from '../../src/rx/single-channel-stream-model.js';
import { PriorStreamModel } from '../../src/serve/prior-stream-model.js';
import { DEFAULT_SINGLE_STREAM_MODEL } from '../../src/serve/stream-model.js';
import { StreamOwner } from '../../src/serve/stream-owner.js';

/** Speech-like bursts (a gliding tone, gated) in seeded noise whose level jumps. */
function audio(frames: number, rate: number, seed: number): Float32Array {
  const x = new Float32Array(frames * FRAME_SIZE);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = (s / 2 ** 32 - 0.5) * (i < x.length / 2 ? 0.05 : 0.2);
    const gate = Math.floor(i / (0.1 * rate)) % 2 === 0 ? 1 : 0;
    x[i] = noise + gate * 0.3 * Math.sin((2 * Math.PI * (200 + (i % 4000) / 20) * i) / rate);
  }
  return x;
}

/** The served output of `x`, frame by frame, with a checkpoint/restore after each frame in `cuts`. */
function serve(x: Float32Array, rate: number, cuts: readonly number[] = []): Float32Array {
  let m = new PriorStreamModel(rate, null);
  const y = new Float32Array(x.length);
  for (let k = 0; k * FRAME_SIZE < x.length; k++) {
    y.set(m.step(x.subarray(k * FRAME_SIZE, (k + 1) * FRAME_SIZE), 1), k * FRAME_SIZE);
    if (cuts.includes(k)) m = new PriorStreamModel(rate, m.checkpoint());
  }
  return y;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('PriorStreamModel (live serving, single-channel default)', () => {
  it('is the default single-stream model, as the CLI default method', () => {
    expect(DEFAULT_SINGLE_STREAM_MODEL).toBe('prior');
  });

  // hop 64, 128, 256, 512, 1024: below, equal to and above the 256-sample frame
  for (const [rate, latency] of [
    [8000, 64],
    [16000, 128],
    [32000, 256],
    [48000, 768],
    [96000, 1792],
  ] as const) {
    it(`${rate} Hz: output = the offline prior shifted by ${latency} samples, bit for bit; every frame answered`, () => {
      const x = audio(Math.ceil((1.5 * rate) / FRAME_SIZE), rate, rate);
      const m = new PriorStreamModel(rate, null);
      expect(m.latency).toBe(latency);
      const y = serve(x, rate);
      const offline = createPriorDenoiserFromConfig(priorConfig(rate)).process(x, rate);
      const n = x.length - latency;
      expect(bytes(y.subarray(latency)).equals(bytes(offline.subarray(0, n)))).toBe(true);
      // the denoiser does something: the output is not the input
      expect(bytes(y.subarray(latency)).equals(bytes(x.subarray(0, n)))).toBe(false);
    });
  }

  for (const rate of [16000, 48000, 96000]) {
    it(`${rate} Hz: a checkpoint after any frame (queues mid-hop included) continues bit for bit`, () => {
      const x = audio(120, rate, 5);
      const whole = serve(x, rate);
      const cut = serve(x, rate, [0, 1, 2, 5, 38, 39, 40, 41, 77]);
      expect(bytes(cut).equals(bytes(whole))).toBe(true);
    });
  }

  it('a checkpoint of the online denoiser is refused by the prior, and the reverse, with CheckpointModelMismatchError', () => {
    const x = audio(20, 48000, 9);
    const online = new SingleChannelStreamModel(48000, null);
    const prior = new PriorStreamModel(48000, null);
    for (let k = 0; k < 20; k++) {
      online.step(x.subarray(k * FRAME_SIZE, (k + 1) * FRAME_SIZE), 1);
      prior.step(x.subarray(k * FRAME_SIZE, (k + 1) * FRAME_SIZE), 1);
    }
    const e1 = (() => {
      try {
        return new PriorStreamModel(48000, online.checkpoint());
      } catch (e) {
        return e;
      }
    })();
    expect(e1).toBeInstanceOf(CheckpointModelMismatchError);
    expect((e1 as CheckpointModelMismatchError).code).toBe('checkpoint_invalid');
    expect((e1 as CheckpointModelMismatchError).found).toBe('online-adamax/unversioned');
    expect((e1 as CheckpointModelMismatchError).expected).toBe(`prior/${PRIOR_MODEL_VERSION}`);
    expect(() => new SingleChannelStreamModel(48000, prior.checkpoint())).toThrow(CheckpointModelMismatchError);
    // another rate is refused too
    expect(() => new PriorStreamModel(44100, prior.checkpoint())).toThrow(/48000 Hz/);
    online.stop();
  });
});

/** One input entry of a `single` stream at 48 kHz. */
function entry(seq: number, pcm: Float32Array): [Buffer, Map<string, Buffer>] {
  const f = new Map<string, Buffer>([
    ['seq', Buffer.from(String(seq))],
    ['rate', Buffer.from('48000')],
    ['ch', Buffer.from('1')],
    ['pcm', Buffer.from(bytes(pcm))],
  ]);
  return [Buffer.from(`${seq}-0`), f];
}

const period = { checkpointSec: 100, snapshotSec: 100 };

describe('StreamOwner: the model of a stream is kept for life; a checkpoint it cannot load restarts the stream', () => {
  const x = audio(30, 48000, 3);
  const frames = Array.from({ length: 30 }, (_, k) => x.slice(k * FRAME_SIZE, (k + 1) * FRAME_SIZE));
  const outputs = (w: { outputs: [number, Buffer][] }) => w.outputs.map(([, b]) => b);

  /** Frames 0…9 through an owner whose server runs `model`; its first checkpoint comes with its first outputs. */
  function started(model: 'prior' | 'online') {
    const owner = new StreamOwner('s', { checkpoint: null, lastOutputSeq: -1 }, period, model);
    const w = owner.process(frames.slice(0, 10).map((f, k) => entry(k, f)));
    expect(w.outputs.length).toBe(10);
    expect(w.checkpoint?.model).toBe(model);
    expect(w.checkpoint?.seq).toBe(9);
    owner.stop();
    return { w, cp: w.checkpoint! };
  }

  it('a prior stream taken over by a server that runs the online model continues with the prior, bit for bit', () => {
    const whole = new StreamOwner('s', { checkpoint: null, lastOutputSeq: -1 }, period, 'prior');
    const all = outputs(whole.process(frames.map((f, k) => entry(k, f))));
    const { cp } = started('prior');
    expect(cp.version).toBe(PRIOR_MODEL_VERSION);
    const next = new StreamOwner(
      's',
      { checkpoint: { ...cp, state: cp.state!, version: cp.version }, lastOutputSeq: 9 },
      period,
      'online',
    );
    expect(next.restarted).toBeNull();
    expect(next.modelName).toBe('prior');
    const rest = outputs(next.process(frames.slice(10).map((f, k) => entry(k + 10, f))));
    expect(rest.length).toBe(20);
    expect(rest.every((b, i) => b.equals(all[i + 10]!))).toBe(true);
  });

  it('a checkpoint written before the model was recorded (model single, no version) continues as the online denoiser', () => {
    const whole = new StreamOwner('s', { checkpoint: null, lastOutputSeq: -1 }, period, 'online');
    const all = outputs(whole.process(frames.map((f, k) => entry(k, f))));
    const { cp } = started('online');
    const legacy = { ...cp, state: cp.state!, model: 'single', version: '' };
    const next = new StreamOwner('s', { checkpoint: legacy, lastOutputSeq: 9 }, period, 'prior');
    expect(next.modelName).toBe('online');
    const rest = outputs(next.process(frames.slice(10).map((f, k) => entry(k + 10, f))));
    expect(rest.every((b, i) => b.equals(all[i + 10]!))).toBe(true);
  });

  it('state of another model than the recorded one, or another prior version: restarted with a fresh model and the reason', () => {
    const fresh = new StreamOwner('s', { checkpoint: null, lastOutputSeq: -1 }, period, 'prior');
    const all = outputs(fresh.process(frames.slice(10).map((f, k) => entry(k + 10, f))));
    const { cp: online } = started('online');
    const { cp: prior } = started('prior');
    const cases = [
      {
        checkpoint: { ...online, state: online.state!, model: 'prior', version: PRIOR_MODEL_VERSION },
        found: 'online-adamax/unversioned',
      },
      {
        checkpoint: { ...prior, state: prior.state!, version: '1+0000000000000000' },
        found: 'prior/1+0000000000000000',
      },
      { checkpoint: { ...prior, state: prior.state!, model: 'stereo', version: '1' }, found: 'stereo/1' },
    ];
    for (const c of cases) {
      const owner = new StreamOwner('s', { checkpoint: c.checkpoint, lastOutputSeq: 9 }, period, 'prior');
      expect(owner.restarted?.code).toBe('checkpoint_invalid');
      expect(owner.restarted?.found).toBe(c.found);
      expect(owner.restarted?.message).toMatch(/cannot load/);
      expect(owner.modelName).toBeNull();
      const w = owner.process(frames.slice(10).map((f, k) => entry(k + 10, f)));
      // a fresh prior from the next frame (never the old state), and its first checkpoint at once
      expect(outputs(w).every((b, i) => b.equals(all[i]!))).toBe(true);
      expect(w.checkpoint?.model).toBe('prior');
      expect(w.checkpoint?.version).toBe(PRIOR_MODEL_VERSION);
    }
  });
});
