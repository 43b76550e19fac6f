/**
 * Scale-out benchmark (writes the `scale` section of BENCHMARKS.md):
 *
 * 1. `replay --workers 2` vs `--workers 1`: files per second on the same dataset, paired in one run
 *    (interleaved repetitions, alternating order). Both arms run the library compiled to JavaScript
 *    (what the published package runs: the pool threads load plain `.js`, no per-thread TypeScript
 *    transpile; `--source` runs the TypeScript sources through tsx instead). Two comparisons:
 *    end to end (`replayDataset`, the pool started and closed inside the run) and on a warm pool
 *    (the files one after the other in this thread vs this thread plus an already running 1-thread
 *    pool, the lanes `--workers 2` runs: what a
 *    long corpus converges to). The files are long enough (default 16 × 60 s) that the per-file
 *    work dominates (a 16 kHz file costs ≈ 0.15 CPU s per 10 s of audio, a compiled pool thread's
 *    start-up ≈ 0.5 CPU s, so short files cap the end-to-end ratio below the per-file one); the CPU seconds per file of both arms are printed (threads add no work when
 *    they are equal) with the cores the run really got (CPU ÷ wall).
 * 2. Live-service failover: two `adamax-stream serve` processes with the default knobs (single-channel
 *    streams: the speech prior); the owner of a stream fed in real time is SIGKILLed; the time until
 *    output frames flow again.
 * 3. Capacity: streams per core at 48 kHz with the Redis round trip included — S streams pre-filled
 *    in Redis, one in-process server drains them; audio seconds per CPU second of the server
 *    process (redis-server's own CPU is reported apart), for the single-channel models (the speech
 *    prior, serve's default, and the online denoiser, `serve --model online`) and for the 2-channel
 *    reference canceller. The same stream models without Redis are the baseline.
 *
 * Run (2 idle cores for the ×1.8 target): node --import tsx bench/scale.bench.ts
 *   [--quick] [--no-write] [--source] [--files N] [--seconds S] [--reps R] [--only replay] [--model online|prior]
 *   (--model: the replay's single-channel model; default the library's, the speech prior)
 * Needs redis-server on the PATH (started on 127.0.0.1 at a free port, stopped at the end).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDataset } from '../samples/04-dataset-replay.js';
import { bundlePoolWorker } from '../scripts/build-pool-worker.mjs';
import { RemoteStream, serveStreams } from '../src/node/index.js';
import { FRAME_SIZE, listDataset } from '../src/node/io.js';
import { SingleChannelStreamModel } from '../src/rx/single-channel-stream-model.js';
import { PriorStreamModel } from '../src/serve/prior-stream-model.js';
import { ReferenceStreamModel } from '../src/serve/reference-stream-model.js';
import type { ServedModel } from '../src/serve/stream-model.js';
import { freePort } from '../test/helpers/redis-server.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RATE = 48000;
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const fromSource = argv.includes('--source');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
/** The replay's single-channel model when `--model` is given (else the library default). */
const singleMethod = argv.includes('--model')
  ? { singleMethod: argv[argv.indexOf('--model') + 1] as 'online' | 'prior' }
  : {};
const numArg = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const FILES = numArg('--files', quick ? 4 : 16);
const SECONDS = numArg('--seconds', quick ? 3 : 60);
const REPS = numArg('--reps', quick ? 2 : 4);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (v: number[]) => `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

type Pipelines = typeof import('../pipelines/index.js');
type PoolModule = typeof import('../pipelines/replay-pool.js');

/**
 * The replay modules the benchmark runs: compiled to JavaScript by `tsc -p tsconfig.build.json`
 * into node_modules/.cache, the pool's thread module bundled by `bundlePoolWorker` (as the package
 * is built; nothing in the checkout changes), or the
 * TypeScript sources with `--source`.
 */
async function replayModules(): Promise<{ lib: Pipelines; pool: PoolModule; kind: string }> {
  if (fromSource) {
    return {
      lib: await import('../pipelines/index.js'),
      pool: await import('../pipelines/replay-pool.js'),
      kind: 'TypeScript sources (tsx in every thread)',
    };
  }
  const out = join(ROOT, 'node_modules', '.cache', 'adamax-scale-bench');
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  await bundlePoolWorker(out); // as the package build does: the threads load one bundled module
  console.log(
    `  compiled (and the pool's thread module bundled) to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const url = (f: string) => new URL(`file://${join(out, 'pipelines', f)}`).href;
  return { lib: await import(url('index.js')), pool: await import(url('replay-pool.js')), kind: 'compiled JavaScript' };
}

/** Wall and CPU seconds (all threads of this process) of `fn`. */
async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

interface Arm {
  rate: number[];
  cpuPerFile: number[];
  cores: number[];
}
const arm = (): Arm => ({ rate: [], cpuPerFile: [], cores: [] });
const record = (a: Arm, files: number, t: { wall: number; cpu: number }) => {
  a.rate.push(files / t.wall);
  a.cpuPerFile.push(t.cpu / files);
  a.cores.push(t.cpu / t.wall);
};

/** files/s of --workers 1 and 2, paired and interleaved, end to end and on a warm pool. */
async function replaySpeedup(dir: string) {
  const { lib, pool: poolModule, kind } = await replayModules();
  const data = join(dir, 'data');
  await makeDataset(data, FILES, SECONDS);
  const items = await listDataset(data);
  const settings = { skipStoi: true, outDir: join(dir, 'out-warm'), ...singleMethod };
  // JIT warm-up of this thread, so that the serial arm is not charged for it.
  await lib.replayItem(items[0]!, settings);
  const e2e = { 1: arm(), 2: arm(), ratios: [] as number[] };
  const warm = { 1: arm(), 2: arm(), ratios: [] as number[] };
  // The shipped `--workers 2`: this thread is one lane, a 1-thread pool the other.
  const pool = await poolModule.createReplayPool(1);
  const start = await timed(() => pool.run(items[0]!, settings, {}));
  try {
    for (let r = 0; r < REPS; r++) {
      const order: (1 | 2)[] = r % 2 === 0 ? [1, 2] : [2, 1];
      for (const workers of order) {
        const t = await timed(async () => {
          const res = await lib.replayDataset({
            source: data,
            outDir: join(dir, `out-${workers}`),
            workers,
            skipStoi: true,
            ...singleMethod,
          });
          if (res.failures.length > 0) throw new Error(`replay failed: ${res.failures[0]!.error}`);
        });
        record(e2e[workers], FILES, t);
      }
      e2e.ratios.push(e2e[2].rate.at(-1)! / e2e[1].rate.at(-1)!);
      for (const workers of order) {
        const t = await timed(async () => {
          if (workers === 1) {
            for (const it of items) await lib.replayItem(it, settings);
            return;
          }
          let next = 0;
          const lane = async (run: typeof pool.run) => {
            while (next < items.length) await run(items[next++]!, settings, {});
          };
          await Promise.all([lane(lib.replayItem), lane(pool.run)]);
        });
        record(warm[workers], FILES, t);
      }
      warm.ratios.push(warm[2].rate.at(-1)! / warm[1].rate.at(-1)!);
      console.log(
        `  rep ${r + 1}: end to end ${e2e[1].rate.at(-1)!.toFixed(2)} vs ${e2e[2].rate.at(-1)!.toFixed(2)} files/s (×${e2e.ratios.at(-1)!.toFixed(2)}); warm pool ${warm[1].rate.at(-1)!.toFixed(2)} vs ${warm[2].rate.at(-1)!.toFixed(2)} (×${warm.ratios.at(-1)!.toFixed(2)}); CPU s/file ${warm[1].cpuPerFile.at(-1)!.toFixed(3)} vs ${warm[2].cpuPerFile.at(-1)!.toFixed(3)}; cores used ${warm[1].cores.at(-1)!.toFixed(2)} vs ${warm[2].cores.at(-1)!.toFixed(2)}; load ${loadAverage()}`,
      );
    }
  } finally {
    await pool.close();
  }
  return { files: FILES, seconds: SECONDS, kind, e2e, warm, startSec: start.wall };
}

function startRedis(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
    stdio: 'ignore',
  });
  return new Promise((done) => setTimeout(() => done(child), 300));
}

/** A server process with the default knobs (what `adamax-stream serve --redis URL` runs). */
function serveProcess(url: string, prefix: string): { child: ChildProcess; log: () => string } {
  const script = `const { serveStreams } = await import(process.argv[1]);
const s = await serveStreams({ redis: process.argv[2], prefix: process.argv[3],
  onEvent: (e) => console.log(e.stream + ': ' + e.kind) });
console.log('serving');`;
  const entry = join(ROOT, 'bench', 'lib', 'serve-entry.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entry, url, prefix], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => {
    log += d;
  });
  child.stderr!.on('data', (d) => {
    log += d;
  });
  return { child, log: () => log };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await sleep(2);
  }
}

/** One failover: a stream fed in real time, its owner SIGKILLed; ms until output flows again. */
async function failoverOnce(url: string, trial: number): Promise<number> {
  const prefix = `fo${trial}`;
  const servers = [serveProcess(url, prefix), serveProcess(url, prefix)];
  try {
    await until(() => servers.every((s) => s.log().includes('serving')));
    const stream = await RemoteStream.open({ redis: url, sampleRate: RATE, prefix, id: 'call' });
    let outputs = 0;
    let maxSeq = -1;
    const reading = stream.outputFrames().subscribe(({ seq }) => {
      outputs++;
      maxSeq = Math.max(maxSeq, seq);
    });
    const frame = new Float32Array(FRAME_SIZE).map((_, i) => Math.sin(i / 7) * 0.1);
    let seq = 0;
    const frameMs = (FRAME_SIZE / RATE) * 1000;
    const t0 = performance.now();
    // Real-time pacing: one 10-frame batch every 10 frame durations.
    const feed = async (untilSeq: number) => {
      while (seq < untilSeq) {
        await stream.send(Array.from({ length: 10 }, () => [seq++, frame] as [number, Float32Array]));
        const wait = t0 + seq * frameMs - performance.now();
        if (wait > 0) await sleep(wait);
      }
    };
    await feed(400);
    await until(() => outputs >= 380);
    // The current owner (under load a lease can move between the servers before the kill).
    const owner = servers.find((s) => s.log().lastIndexOf('call: owned') > s.log().lastIndexOf('call: lost'))!;
    owner.child.kill('SIGKILL');
    const killed = performance.now();
    // Frames from 400 on are sent after the kill: only the new owner can output them (outputs the
    // dead owner wrote just before dying may still arrive after the kill; they do not count).
    const feeding = feed(1200);
    await until(() => maxSeq >= 400);
    const ms = performance.now() - killed;
    await feeding;
    await stream.end();
    // The reader's own connection: left open it would retry against the stopped Redis forever.
    reading.unsubscribe();
    stream.close();
    return ms;
  } finally {
    for (const s of servers) s.child.kill('SIGKILL');
  }
}

/** Test audio of `frames` frames: `channels` interleaved channels (reference: primary, reference). */
function streamAudio(frames: number, channels: number): Float32Array {
  const x = new Float32Array(frames * FRAME_SIZE * channels);
  for (let i = 0; i < frames * FRAME_SIZE; i++) {
    const noise = ((i * 7919) % 97) / 970 - 0.05;
    const speech = Math.sin(i / 9) * 0.2 * (Math.floor(i / 4800) % 2);
    if (channels === 1) x[i] = speech + noise;
    else {
      x[2 * i] = speech + 0.6 * noise;
      x[2 * i + 1] = noise;
    }
  }
  return x;
}

/** Streams per core with Redis: S pre-filled streams of one model drained by one in-process server. */
async function capacity(url: string, model: ServedModel, streams: number, seconds: number) {
  const frames = Math.round((seconds * RATE) / FRAME_SIZE);
  const channels = model === 'reference' ? 2 : 1;
  const x = streamAudio(frames, channels);
  const prefix = `cap-${model}`;
  const opened: RemoteStream[] = [];
  for (let k = 0; k < streams; k++) {
    const s = await RemoteStream.open({
      redis: url,
      sampleRate: RATE,
      model: model === 'reference' ? 'reference' : 'single',
      prefix,
      id: `s${k}`,
      inputCap: frames + 100,
    });
    await s.write(x);
    await s.end();
    opened.push(s);
  }
  const redisPid = Number(
    execFileSync('redis-cli', ['-u', url, 'info', 'server'])
      .toString()
      .match(/process_id:(\d+)/)![1],
  );
  const redisCpu0 = redisCpuSec(redisPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const server = await serveStreams({
    redis: url,
    prefix,
    maxStreams: streams,
    ...(model === 'reference' ? {} : { singleModel: model }),
  });
  const outputs = await Promise.all(
    opened.map(
      (s) =>
        new Promise<number>((done, fail) => {
          let n = 0;
          s.output().subscribe({ next: () => n++, error: fail, complete: () => done(n) });
        }),
    ),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await server.close();
  for (const s of opened) s.close();
  if (outputs.some((n) => n !== frames)) throw new Error(`capacity: outputs ${outputs.join(',')} != ${frames} frames`);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const audio = streams * frames * (FRAME_SIZE / RATE);
  return { model, audio, wall, cpuSec, redisCpuSec: redisCpuSec(redisPid) - redisCpu0, streams };
}

/** CPU seconds of a process (utime + stime from /proc). */
function redisCpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

/** The same stream model with no Redis (what the server steps per frame): real-time streams per CPU core. */
function localModel(model: ServedModel, seconds: number): number {
  const frames = Math.round((seconds * RATE) / FRAME_SIZE);
  const channels = model === 'reference' ? 2 : 1;
  const x = streamAudio(frames, channels);
  const m =
    model === 'reference'
      ? new ReferenceStreamModel(RATE, null)
      : model === 'prior'
        ? new PriorStreamModel(RATE, null)
        : new SingleChannelStreamModel(RATE, null);
  const n = FRAME_SIZE * channels;
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < frames; k++) m.step(x.subarray(k * n, (k + 1) * n), channels);
  const cpu = process.cpuUsage(cpu0);
  m.stop();
  return seconds / ((cpu.user + cpu.system) / 1e6);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'adamax-scale-bench-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = await startRedis(dir, port);
  try {
    const load = loadAverage();
    console.log(`cores ${availableParallelism()}, load average ${load}`);
    console.log(`replay --workers 1 vs 2 (paired, ${FILES} files × ${SECONDS} s, ${REPS} reps):`);
    const sp = await replaySpeedup(dir);
    const loadAfterReplay = loadAverage();
    if (only === 'replay') {
      console.log(replayRows(sp, load, loadAfterReplay).join('\n'));
      return;
    }
    console.log('failover:');
    const trials = quick ? 2 : 5;
    const failovers: number[] = [];
    for (let t = 0; t < trials; t++) {
      failovers.push(await failoverOnce(url, t));
      console.log(`  trial ${t + 1}: ${failovers.at(-1)!.toFixed(0)} ms`);
    }
    console.log('capacity:');
    const caps = [];
    for (const model of ['prior', 'online', 'reference'] as const) {
      const cap = await capacity(url, model, quick ? 4 : 16, quick ? 2 : 5);
      const local = localModel(model, quick ? 2 : 10);
      console.log(
        `  ${model}: ${(cap.audio / cap.cpuSec).toFixed(1)} streams/core with Redis, ${local.toFixed(1)} without`,
      );
      caps.push({ cap, local });
    }
    const md = report(sp, failovers, caps, load, loadAfterReplay, loadAverage());
    console.log(md);
    if (!argv.includes('--no-write')) console.log(`wrote ${writeMarkedSection('scale', md)}`);
  } finally {
    redis.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

type Speedup = Awaited<ReturnType<typeof replaySpeedup>>;

/** The replay rows of the table and the note under it. */
function replayRows(sp: Speedup, loadBefore: string, loadAfter: string): string[] {
  const e = median(sp.e2e.ratios);
  const w = median(sp.warm.ratios);
  const met = (r: number) => (r >= 1.8 ? 'met' : 'missed');
  // Three decimals where two would round across the target (×1.80 for 1.798, which misses it).
  const times = (r: number) => `×${r.toFixed(r < 1.8 && r.toFixed(2) === '1.80' ? 3 : 2)}`;
  const rates = (a: { 1: Arm; 2: Arm }) => `${median(a[1].rate).toFixed(2)} vs ${median(a[2].rate).toFixed(2)} files/s`;
  const cpu = (a: { 1: Arm; 2: Arm }) =>
    `CPU ${median(a[1].cpuPerFile).toFixed(3)} vs ${median(a[2].cpuPerFile).toFixed(3)} s/file, cores used ${median(a[1].cores).toFixed(2)} vs ${median(a[2].cores).toFixed(2)}`;
  return [
    `| \`replay --workers 2\` ÷ \`--workers 1\`, files/s, end to end (pool start-up included; ${sp.files} files × ${sp.seconds} s, single-channel model ${singleMethod.singleMethod ?? 'prior (default)'}, median of ${sp.e2e.ratios.length} interleaved pairs; ${sp.kind}) | ${times(e)} (pairs ${spread(sp.e2e.ratios)}; ${rates(sp.e2e)}; ${cpu(sp.e2e)}) | ≥ ×1.8 on 2 idle cores — ${met(e)} (load average ${loadBefore} → ${loadAfter}) |`,
    `| the same on an already running pool (what a long corpus converges to) | ${times(w)} (pairs ${spread(sp.warm.ratios)}; ${rates(sp.warm)}; ${cpu(sp.warm)}); the pool thread's start-up with its first file took ${sp.startSec.toFixed(1)} s | ≥ ×1.8 — ${met(w)} |`,
  ];
}

function report(
  sp: Speedup,
  failovers: number[],
  caps: { cap: Awaited<ReturnType<typeof capacity>>; local: number }[],
  load: string,
  loadAfterReplay: string,
  loadEnd: string,
): string {
  const fo = median(failovers);
  const name = {
    prior: 'single-channel speech prior (serve default)',
    online: 'single-channel online denoiser (serve --model online)',
    reference: 'reference canceller (2 channels)',
  };
  const capRows = caps.flatMap(({ cap, local }) => [
    `| streams per core at 48 kHz, Redis round trip included — ${name[cap.model]} (${cap.streams} streams × ${(cap.audio / cap.streams).toFixed(1)} s, one server process) | ${(cap.audio / cap.cpuSec).toFixed(1)} real-time streams per server CPU core (redis-server used ${cap.redisCpuSec.toFixed(2)} CPU s more for ${cap.audio.toFixed(0)} s of audio: ${(cap.audio / Math.max(0.01, cap.cpuSec + cap.redisCpuSec)).toFixed(1)} counting both) | reported |`,
    `| the same model without Redis (its per-frame step in-process) | ${local.toFixed(1)} real-time streams per core | baseline |`,
  ]);
  return [
    '## Scale-out: worker threads, distributed replay, live serving',
    '',
    `Generated by \`node --import tsx bench/scale.bench.ts${argv.length ? ` ${argv.join(' ')}` : ''}\` on ${availableParallelism()} cores (load average at start ${load}, after the replay part ${loadAfterReplay}, at the end ${loadEnd}: a load above the core count means the cores were not idle, and the ×1.8 target is for 2 idle cores).`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    ...replayRows(sp, load, loadAfterReplay),
    `| live failover after SIGKILL of the owner (default lease 1000 ms, scan 100 ms; median of ${failovers.length}) | ${fo.toFixed(0)} ms (${Math.min(...failovers).toFixed(0)}–${Math.max(...failovers).toFixed(0)} ms) | ≤ 2000 ms — ${fo <= 2000 ? 'met' : 'missed'} |`,
    ...capRows,
    '',
    'The ×1.8 target is checked on 2 idle cores with the defaults: `node --import tsx bench/scale.bench.ts` (16 files × 60 s, 4 interleaved pairs, compiled JavaScript).',
    '',
    'Replay: both arms run the same compiled code; `--workers 1` runs the files in the main thread, `--workers 2` in the main thread and a 1-thread pool (the pool thread starts while the main thread works on the first file). "CPU s/file" is the CPU time of the whole process per file (equal in both arms: the threads add no work); "cores used" is CPU time ÷ wall time, the share of the machine the run got. On a loaded machine the 2-thread arm cannot get 2 cores, so the ratio there measures the load, not the code. In the `--workers 1` arm, cores used above 1.00 is the process\'s background threads (V8\'s concurrent marking, sweeping and compilation, the libuv pool): parallelism that arm gets beside its one thread, which the 2-thread arm has to fit on the same 2 cores, so it bounds the ratio. "Already running pool": this thread and a started 1-thread pool, so neither arm pays start-up.',
    '',
    "Failover is the time from the SIGKILL to the first output of a frame sent after it (only the new owner can write those), for a stream fed in real time; it includes the lease expiry, the scan, loading the checkpoint and replaying the pending frames. Capacity: the server process's CPU time (its read loop, the scripts' round trips, the model steps) per second of audio, over pre-filled streams.",
  ].join('\n');
}

await main();
