/**
 * Live serving over Redis Streams on a real redis-server (127.0.0.1, free port, AOF on): the
 * remote output of a single-channel stream is the speech prior `denoise` runs, bit for bit (the
 * offline prior shifted by the stream model's latency); when the owning server is SIGKILLed
 * mid-stream (and Redis is SIGKILLed and restarted from its AOF), another server takes the stream
 * over from its checkpoint and the pending frames — no frame lost, none duplicated, the output
 * identical — for the prior (the default), for the online denoiser (`serve --model online`, taken
 * over by a server that runs the prior: the stream keeps its model) and for the reference
 * canceller; a checkpoint the server cannot load restarts the stream with a logged reason;
 * back-pressure drops the oldest frames with a count.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adamax,
  AdamaxStreamError,
  createPriorDenoiserFromConfig,
  createReferenceCanceller,
  createSingleChannelDenoiser,
  learn,
  priorConfig,
  referenceCancellerConfig,
  singleChannelConfig,
} from '../../src/index.js';
import { denoiseRemote, RemoteStream, type ServeEvent, type StreamServer, serveStreams } from '../../src/node/index.js';
import { FRAME_SIZE, streamKeys } from '../../src/node/io.js';
import { PriorStreamModel } from '../../src/serve/prior-stream-model.js';
import { type RedisServer, redisUnavailableReason, startRedis } from '../helpers/redis-server.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RATE = 48000;

/** A noisy test signal: a gated tone (speech-like bursts) in seeded white noise whose level changes. */
function signal(frames: number, seed: number): Float32Array {
  const x = new Float32Array(frames * FRAME_SIZE);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = (s / 2 ** 32 - 0.5) * (i < x.length / 2 ? 0.1 : 0.3);
    const gate = Math.floor(i / 4800) % 2 === 0 ? 1 : 0;
    x[i] = noise + gate * 0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  }
  return x;
}

/** What an uninterrupted online denoiser outputs for these frames (the CLI's factory, same stream path). */
function localOnline(x: Float32Array): Float32Array[] {
  const den = createSingleChannelDenoiser(singleChannelConfig({ model: { sampleRate: RATE } }));
  const frames: Float32Array[][] = [];
  for (let i = 0; i < x.length; i += FRAME_SIZE) frames.push([x.slice(i, i + FRAME_SIZE)]);
  const out: Float32Array[] = [];
  from(frames)
    .pipe(learn(den, new Adamax(den.optimizerOptions), { emitOutput: true }))
    .subscribe((e) => out.push(e.output!));
  return out;
}

/** What an uninterrupted speech prior outputs for these frames (`denoise`'s factory, framed as served). */
function localPrior(x: Float32Array): Float32Array[] {
  const m = new PriorStreamModel(RATE, null);
  const out: Float32Array[] = [];
  for (let i = 0; i < x.length; i += FRAME_SIZE) out.push(m.step(x.subarray(i, i + FRAME_SIZE), 1).slice());
  return out;
}

const concat = (frames: Float32Array[]) => {
  const y = new Float32Array(frames.length * FRAME_SIZE);
  for (let k = 0; k < frames.length; k++) y.set(frames[k]!, k * FRAME_SIZE);
  return y;
};

/**
 * Two microphones: the reference is noise; the primary is that noise through a room path that
 * changes halfway, plus the gated tone of `signal` as the speech.
 */
function twoChannels(frames: number, seed: number): { primary: Float32Array; reference: Float32Array } {
  const speech = signal(frames, seed).map((v, i) => (Math.floor(i / 4800) % 2 === 0 ? v : 0));
  const reference = signal(frames, seed + 1).map((v) => v * 2);
  const primary = new Float32Array(reference.length);
  for (let i = 0; i < primary.length; i++) {
    const g = i < primary.length / 2 ? [0.5, 0.3, -0.1] : [-0.4, 0.2, 0.25];
    let y = 0;
    for (let k = 0; k < 3; k++) y += i - 3 * k >= 0 ? g[k]! * reference[i - 3 * k]! : 0;
    primary[i] = y + 0.3 * speech[i]!;
  }
  return { primary, reference };
}

/** The canceller from the CLI's factory, uninterrupted, over the same samples in its own blocks. */
function localCancel(primary: Float32Array, reference: Float32Array): Float32Array[] {
  const f = createReferenceCanceller(referenceCancellerConfig(RATE), RATE);
  const B = f.frameSize;
  const out: Float32Array[] = [];
  const o = new Float32Array(B);
  for (let s = 0; s < primary.length; s += FRAME_SIZE) {
    const frame = new Float32Array(FRAME_SIZE);
    for (let b = 0; b < FRAME_SIZE; b += B) {
      f.process([primary.subarray(s + b, s + b + B), reference.subarray(s + b, s + b + B)], o);
      frame.set(o, b);
    }
    out.push(frame);
  }
  return out;
}

const same = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * The survivor took the stream over from a checkpoint with pending frames. Which checkpoint (69 or
 * 129 when nothing else happened) and how many frames were pending depends on timing: under load a
 * lease can also move between the servers before the kill, and the resent frames may already be
 * pending at the takeover. The outputs themselves are compared exactly.
 */
function expectResumed(log: string, id: string): void {
  const m = [
    ...log.matchAll(new RegExp(`${id}: owned \\(checkpoint at seq (\\d+), (\\d+) pending frames replayed`, 'g')),
  ];
  expect(m.length, log).toBeGreaterThan(0);
  const last = m.at(-1)!;
  expect(Number(last[1])).toBeGreaterThanOrEqual(59);
  expect(Number(last[2])).toBeGreaterThan(0);
}

/** Whether the server with this log owns stream `id` now (taken, and not lost since). */
const owns = (log: string, id: string) => log.lastIndexOf(`${id}: owned`) > log.lastIndexOf(`${id}: lost its lease`);

interface ServeProcess {
  readonly child: ChildProcess;
  readonly log: () => string;
  readonly exited: Promise<number | null>;
}

function startServe(url: string, prefix: string, extra: string[] = []): ServeProcess {
  const args = ['--import', 'tsx', join(root, 'src/cli/run.ts'), 'serve', '--redis', url, '--prefix', prefix, ...extra];
  args.push('--lease-ms', '600', '--scan-ms', '50', '--checkpoint-sec', '0.3', '--snapshot-sec', '0.5');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  return { child, log: () => out, exited: new Promise((done) => child.on('exit', (code) => done(code))) };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Output = { seq: number; pcm: Float32Array };

/** Subscribes to a stream's output frames: the list they arrive in, and the stream's completion. */
function collectOutputs(stream: RemoteStream): { outputs: Output[]; done: Promise<void> } {
  const outputs: Output[] = [];
  const done = new Promise<void>((resolve, reject) =>
    stream.outputFrames().subscribe({ next: (f) => outputs.push(f), error: reject, complete: resolve }),
  );
  return { outputs, done };
}

/**
 * Sends frames 0…149 in batches of 10, each output before the next (then `afterBatch`): the server
 * checkpoints with the first outputs (seq 9), then every 0.3 s = 56 frames at batch ends (seq 69,
 * 129), so frames 130…149 are pending and already output.
 */
async function sendFirst150(
  stream: RemoteStream,
  frames: [number, Float32Array][],
  outputs: Output[],
  afterBatch?: () => Promise<void>,
): Promise<void> {
  for (let k = 0; k < 150; k += 10) {
    await stream.send(frames.slice(k, k + 10));
    await until(() => outputs.length >= k + 10, 'the first outputs');
    await afterBatch?.();
  }
}

/**
 * After the owner was killed at `killedAt`: sends frames `from`…299 (a resend of some already sent),
 * times the first output after the takeover, sends the rest, ends the stream and closes it once done.
 * Returns that failover time and the model snapshots the stream published.
 */
async function finishAfterTakeover(
  stream: RemoteStream,
  frames: [number, Float32Array][],
  outputs: Output[],
  done: Promise<void>,
  from: number,
  killedAt: number,
) {
  const before = outputs.length;
  await stream.send(frames.slice(from, 300));
  await until(() => outputs.length > before, 'output after the takeover');
  const failoverMs = Date.now() - killedAt;
  await stream.send(frames.slice(300));
  await stream.end();
  await done;
  const snapshots = await firstValueFrom(stream.models().pipe(toArray()));
  stream.close();
  return { failoverMs, snapshots };
}

describe.skipIf(skipUnavailable('live serving on Redis', redisUnavailableReason()))('live serving on Redis', () => {
  let dir: string;
  let redis: RedisServer;
  const processes: ServeProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adamax-serve-'));
    redis = await startRedis(dir, { aof: true });
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Observable in, Observable out: the remote output is the prior of denoise, shifted by its latency, bit for bit', async () => {
    const server: StreamServer = await serveStreams({ redis: redis.url, prefix: 'rx', leaseMs: 600, snapshotSec: 0.2 });
    try {
      const x = signal(200, 7);
      const expected = localPrior(x);
      // The served frames are the offline prior (what `denoise` writes) delayed by 768 samples (16 ms).
      const latency = new PriorStreamModel(RATE, null).latency;
      expect(latency).toBe(768);
      const offline = createPriorDenoiserFromConfig(priorConfig(RATE)).process(x, RATE);
      const shifted = concat(expected).subarray(latency);
      expect(same(shifted, offline.subarray(0, x.length - latency))).toBe(true);
      // Chunks of an odd size: the client does the framing.
      const chunks: Float32Array[] = [];
      for (let i = 0; i < x.length; i += 1000) chunks.push(x.slice(i, i + 1000));
      const got = await firstValueFrom(
        from(chunks).pipe(denoiseRemote({ redis: redis.url, sampleRate: RATE, prefix: 'rx' }), toArray()),
      );
      expect(got.length).toBe(expected.length);
      expect(got.every((f, i) => same(f, expected[i]!))).toBe(true);
    } finally {
      await server.close();
    }
  });

  for (const model of ['prior', 'online'] as const) {
    it(`${model}: SIGKILL of the owner + Redis SIGKILL/AOF restart mid-stream: taken over, 0 lost, 0 duplicated, identical output, model snapshots`, async () => {
      const prefix = `fo-${model}`;
      // prior: two servers with the defaults. online: the stream starts on a server with
      // `--model online`; the second server runs the default (the prior) and continues it as online.
      const a = startServe(redis.url, prefix, model === 'online' ? ['--model', 'online'] : []);
      processes.push(a);
      await until(() => a.log().includes('serving'), 'the first server');
      let b = model === 'online' ? null : startServe(redis.url, prefix);
      if (b) processes.push(b);
      await until(() => b === null || b.log().includes('serving'), 'two servers');
      expect(a.log()).toContain(`single-channel model ${model}`);
      const total = 400;
      const x = signal(total, 11);
      const expected = model === 'prior' ? localPrior(x) : localOnline(x);
      const stream = await RemoteStream.open({ redis: redis.url, sampleRate: RATE, prefix, id: 'call-1' });
      const frames: [number, Float32Array][] = [];
      for (let k = 0; k < total; k++) frames.push([k, x.slice(k * FRAME_SIZE, (k + 1) * FRAME_SIZE)]);
      const { outputs, done } = collectOutputs(stream);
      await sendFirst150(stream, frames, outputs, async () => {
        if (b !== null) return;
        b = startServe(redis.url, prefix);
        processes.push(b);
        await until(() => b!.log().includes('serving'), 'the second server');
      });
      const servers = [a, b!];
      const owner = servers.find((p) => owns(p.log(), 'call-1'))!;
      const survivor = owner === a ? b! : a;
      owner.child.kill('SIGKILL');
      await owner.exited;
      await redis.kill();
      await redis.restart();
      // The rest, with a resend of frames already sent (duplicates are suppressed by seq).
      const { failoverMs, snapshots } = await finishAfterTakeover(stream, frames, outputs, done, 140, Date.now());
      expect(snapshots.length).toBeGreaterThan(1);
      expect(snapshots.every((m, i) => i === 0 || m.seq > snapshots[i - 1]!.seq)).toBe(true);
      expect(snapshots.every((m) => m.weights.length > 0 && m.weights.every(Number.isFinite))).toBe(true);

      expect(outputs.map((o) => o.seq)).toEqual(expected.map((_, k) => k));
      expect(outputs.every((o, k) => same(o.pcm, expected[k]!))).toBe(true);
      expect(stream.dropped).toBe(0);
      expectResumed(survivor.log(), 'call-1');
      expect(survivor.log()).toMatch(
        new RegExp(`call-1: owned \\(checkpoint at seq \\d+, \\d+ pending frames replayed; model ${model}\\)`),
      );
      await until(() => survivor.log().includes('call-1: ended (0 frames dropped)'), 'the end line');
      expect(failoverMs).toBeLessThan(15_000);
    }, 120_000);
  }

  it('a 2-channel reference-canceller stream: SIGKILL of the owner mid-stream, taken over from its checkpoint; 0 lost, 0 duplicated, identical output', async () => {
    const prefix = 'ref';
    const a = startServe(redis.url, prefix);
    const b = startServe(redis.url, prefix);
    processes.push(a, b);
    await until(() => a.log().includes('serving') && b.log().includes('serving'), 'two servers');
    const total = 400;
    const { primary, reference } = twoChannels(total, 21);
    const expected = localCancel(primary, reference);
    const stream = await RemoteStream.open({
      redis: redis.url,
      sampleRate: RATE,
      prefix,
      id: 'ref-1',
      model: 'reference',
    });
    // Frames: 256 samples per channel, interleaved (primary, reference).
    const frames: [number, Float32Array][] = [];
    for (let k = 0; k < total; k++) {
      const f = new Float32Array(2 * FRAME_SIZE);
      for (let i = 0; i < FRAME_SIZE; i++) {
        f[2 * i] = primary[k * FRAME_SIZE + i]!;
        f[2 * i + 1] = reference[k * FRAME_SIZE + i]!;
      }
      frames.push([k, f]);
    }
    const { outputs, done } = collectOutputs(stream);
    await sendFirst150(stream, frames, outputs);
    const owner = [a, b].find((p) => owns(p.log(), 'ref-1'))!;
    const survivor = owner === a ? b : a;
    owner.child.kill('SIGKILL');
    await owner.exited;
    // with a resend of 130…149
    const { failoverMs, snapshots } = await finishAfterTakeover(stream, frames, outputs, done, 130, Date.now());
    expect(outputs.map((o) => o.seq)).toEqual(expected.map((_, k) => k));
    const differing = outputs.filter((o, k) => !same(o.pcm, expected[k]!)).map((o) => o.seq);
    expect(differing).toEqual([]);
    expect(stream.dropped).toBe(0);
    expectResumed(survivor.log(), 'ref-1');
    expect(snapshots.length).toBeGreaterThan(1);
    expect(snapshots.every((m) => m.weights.length > 0 && m.weights.every(Number.isFinite))).toBe(true);
    // The canceller removes most of the noise (the frames are what the CLI's canceller outputs).
    const energy = (v: Float32Array[]) => v.slice(200).reduce((e, f) => e + f.reduce((s, y) => s + y * y, 0), 0);
    const input: Float32Array[] = [];
    for (let k = 0; k < total; k++) input.push(primary.subarray(k * FRAME_SIZE, (k + 1) * FRAME_SIZE));
    expect(energy(outputs.map((o) => o.pcm))).toBeLessThan(energy(input) / 2);
    // Lease 600 ms + scan 50 ms + the replay of 30 frames; generous for a loaded machine.
    expect(failoverMs).toBeLessThan(15_000);
  }, 120_000);

  it('a checkpoint the server cannot load (a prior of other weights): the stream restarts with a fresh prior and the event says why', async () => {
    const prefix = 'mm';
    const x = signal(40, 5);
    const stream = await RemoteStream.open({ redis: redis.url, sampleRate: RATE, prefix, id: 'old' });
    // The checkpoint a server with other prior weights left (covering no frame yet: seq -1).
    const old = new PriorStreamModel(RATE, null);
    old.step(x.subarray(0, FRAME_SIZE), 1);
    const { Redis } = await import('ioredis');
    const r = new Redis(redis.url);
    await r.hset(streamKeys('old', prefix).checkpoint, {
      state: Buffer.from(old.checkpoint()),
      model: 'prior',
      version: '1+0000000000000000',
      rate: String(RATE),
      seq: '-1',
      dropped: '0',
    });
    r.disconnect();
    await stream.write(x);
    await stream.end();
    const events: ServeEvent[] = [];
    const server = await serveStreams({ redis: redis.url, prefix, leaseMs: 600, onEvent: (e) => events.push(e) });
    try {
      const out = await firstValueFrom(stream.outputFrames().pipe(toArray()));
      const expected = localPrior(x);
      expect(out.map((o) => o.seq)).toEqual(expected.map((_, k) => k));
      expect(out.every((o, k) => same(o.pcm, expected[k]!))).toBe(true);
      const restarted = events.find((e) => e.kind === 'restarted');
      expect(restarted).toMatchObject({
        stream: 'old',
        code: 'checkpoint_invalid',
        found: 'prior/1+0000000000000000',
      });
      // not resumed; the model is chosen by the next frame (the server's, a fresh prior: the outputs above)
      expect(events.find((e) => e.kind === 'owned')).toMatchObject({ resumedFromSeq: null, model: null });
    } finally {
      stream.close();
      await server.close();
    }
  });

  it('back-pressure: with no server the capped input keeps the newest frames; the oldest are dropped and counted', async () => {
    const prefix = 'bp';
    const x = signal(300, 3);
    const stream = await RemoteStream.open({ redis: redis.url, sampleRate: RATE, prefix, id: 'slow', inputCap: 100 });
    await stream.write(x);
    await stream.end();
    const server = await serveStreams({ redis: redis.url, prefix, leaseMs: 600 });
    try {
      const out = await firstValueFrom(stream.outputFrames().pipe(toArray()));
      const dropped = stream.dropped!;
      expect(dropped).toBeGreaterThan(0);
      expect(out.length + dropped).toBe(300);
      // The frames kept are the newest, in order.
      expect(out.map((o) => o.seq)).toEqual(Array.from({ length: out.length }, (_, i) => 300 - out.length + i));
    } finally {
      stream.close();
      await server.close();
    }
  });
});

describe('RemoteStream options', () => {
  it('a reference stream has 2 channels at a rate up to 127 999 Hz; the model is single or reference', async () => {
    const url = 'redis://127.0.0.1:1'; // never reached: the options are refused first
    const refused = async (o: Parameters<typeof RemoteStream.open>[0]) => {
      const e = await RemoteStream.open(o).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(AdamaxStreamError);
      return (e as AdamaxStreamError).message;
    };
    expect(await refused({ redis: url, sampleRate: 48000, model: 'reference', channels: 1 })).toContain(
      "A 'reference' stream has 2 channels (primary, reference) at a rate up to 127999 Hz. Received: channels=1",
    );
    expect(await refused({ redis: url, sampleRate: 192000, model: 'reference' })).toContain('sampleRate=192000');
    expect(await refused({ redis: url, sampleRate: 48000, model: 'stereo' as 'single' })).toContain(
      "model must be 'single' or 'reference'. Received: stereo",
    );
  });
});
