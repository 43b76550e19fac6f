/**
 * Crash safety with real processes: the CLI (bundled once with esbuild, so that a process starts
 * fast) is killed with SIGKILL at random times during checkpointed `denoise` and `replay` runs, then
 * run again. Every output must be absent or byte-identical to an uninterrupted run's, every
 * checkpoint readable, no work lost beyond the last checkpoint, and the last run byte-identical.
 * (Replay runs with `--workers 1`: the worker pool loads its worker script from the source tree,
 * which the one-file bundle does not have.) Also: two processes on one checkpoint (the second refuses, naming the first), stale locks, a
 * corrupted partial output and a checkpoint of another input.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/index.js';
import { readCheckpoint } from '../../src/node/io.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let cli: string;

/** Deterministic pseudo-random numbers (the kill times), so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const noisy = (seconds: number, seed: number): Float32Array => {
  const r = rng(seed);
  return Float32Array.from(
    { length: seconds * 16000 },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) * (i % 8000 < 4000 ? 1 : 0.2) + 0.1 * (r() - 0.5),
  );
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-soak-'));
  mkdirSync(join(root, '.tmp'), { recursive: true });
  cli = join(root, '.tmp', `soak-cli-${process.pid}.mjs`);
  execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [
    join(root, 'src', 'cli', 'run.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${cli}`,
    '--packages=external',
    '--log-level=warning',
  ]);
  writeFileSync(join(dir, 'in.wav'), encodeWav([noisy(3, 1)], 16000, { format: 'float32' }));
  writeFileSync(join(dir, 'long.wav'), encodeWav([noisy(120, 2)], 16000, { format: 'float32' }));
  writeFileSync(join(dir, 'other.wav'), encodeWav([noisy(3, 3)], 16000, { format: 'float32' }));
  mkdirSync(join(dir, 'ds'));
  for (const [k, name] of ['a', 'b', 'c'].entries()) {
    writeFileSync(join(dir, 'ds', `${name}.wav`), encodeWav([noisy(1, 10 + k)], 16000, { format: 'pcm16' }));
  }
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cli, { force: true });
});

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stderr }));
  });
  return { child, done };
}
const run = (args: string[]) => start(args).done;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await sleep(10);
  }
}
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('checkpoint lock', () => {
  it('a second process on the same checkpoint refuses with exit 1 naming the first', async () => {
    const ck = join(dir, 'lock.ck');
    const a = start(['denoise', join(dir, 'long.wav'), '-o', join(dir, 'lock-a.wav'), '--checkpoint', ck]);
    await waitFor(() => existsSync(`${ck}.lock`));
    const b = await run(['denoise', join(dir, 'long.wav'), '-o', join(dir, 'lock-b.wav'), '--checkpoint', ck]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`process ${a.child.pid} on host ${hostname()}`);
    expect(existsSync(join(dir, 'lock-b.wav'))).toBe(false);
    const ra = await a.done;
    expect(ra.code, ra.stderr).toBe(0);
    expect(existsSync(`${ck}.lock`)).toBe(false);
  }, 120_000);

  it('a lock of a dead process is taken over; one of a live process on another host is not', async () => {
    const ck = join(dir, 'stale.ck');
    writeFileSync(`${ck}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), since: 'then' }));
    const r = await run(['denoise', join(dir, 'in.wav'), '-o', join(dir, 'stale.wav'), '--checkpoint', ck]);
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(`${ck}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', since: 'then' }));
    const r2 = await run(['denoise', join(dir, 'in.wav'), '-o', join(dir, 'stale2.wav'), '--checkpoint', ck]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('on host elsewhere');
    rmSync(`${ck}.lock`);
  }, 60_000);
});

/** Kills a checkpointed denoise of the long file once a checkpoint exists; returns its files. */
async function killedRun(name: string, input = 'long.wav'): Promise<string> {
  const ck = join(dir, `${name}.ck`);
  const a = start([
    'denoise',
    join(dir, input),
    '-o',
    join(dir, `${name}.wav`),
    '--checkpoint',
    ck,
    '--checkpoint-every',
    '20',
  ]);
  await waitFor(() => existsSync(ck));
  await sleep(100);
  a.child.kill('SIGKILL');
  await a.done;
  return ck;
}

describe('checkpoint integrity', () => {
  it('a flipped byte in the partial output is refused (exit 1), not stitched into the output', async () => {
    const ck = await killedRun('flip');
    const partial = readFileSync(`${ck}.partial`);
    const cpFrames = readCheckpoint(ck).step;
    expect(cpFrames).toBeGreaterThan(0);
    partial[Math.floor(partial.length / 3)] = partial[Math.floor(partial.length / 3)]! ^ 0x40;
    writeFileSync(`${ck}.partial`, partial);
    const r = await run(['denoise', join(dir, 'long.wav'), '-o', join(dir, 'flip.wav'), '--checkpoint', ck]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not match the checksum/);
    expect(existsSync(join(dir, 'flip.wav'))).toBe(false);
  }, 120_000);

  it('a checkpoint of another input is refused (exit 1)', async () => {
    const ck = await killedRun('other', 'long.wav');
    const r = await run(['denoise', join(dir, 'other.wav'), '-o', join(dir, 'other-out.wav'), '--checkpoint', ck]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/belongs to another input/);
  }, 120_000);
});

describe('kill -9 soak', () => {
  it('≥ 30 random SIGKILLs across denoise and replay: 0 corrupt outputs, 0 lost work, identical results', async () => {
    const random = rng(20261202);
    // uninterrupted references
    const ref = join(dir, 'ref.wav');
    expect((await run(['denoise', join(dir, 'in.wav'), '-o', ref])).code).toBe(0);
    const refBytes = readFileSync(ref);
    const refDs = join(dir, 'ref-ds');
    const t0 = Date.now();
    expect((await run(['replay', join(dir, 'ds'), '--out', refDs, '--no-stoi', '--workers', '1'])).code).toBe(0);
    const replayMs = Date.now() - t0;
    const refOut = Object.fromEntries(readdirSync(refDs).map((f) => [f, readFileSync(join(refDs, f))]));

    let kills = 0;
    let completions = 0;
    let corrupt = 0;
    let lostWork = 0;
    let mismatched = 0;
    const ck = join(dir, 'soak.ck');
    const out = join(dir, 'soak.wav');
    const t1 = Date.now();
    expect((await run(['denoise', join(dir, 'in.wav'), '-o', join(dir, 'timing.wav')])).code).toBe(0);
    const denoiseMs = Date.now() - t1;
    let lastStep = 0;
    while (kills < 20) {
      const p = start(['denoise', join(dir, 'in.wav'), '-o', out, '--checkpoint', ck, '--checkpoint-every', '5']);
      const killAt = denoiseMs * (0.2 + 1.1 * random());
      const timer = setTimeout(() => p.child.kill('SIGKILL'), killAt);
      const r = await p.done;
      clearTimeout(timer);
      const resumedAt = /resumed from checkpoint .* at frame (\d+)/.exec(r.stderr);
      if (resumedAt && Number(resumedAt[1]) < lastStep) lostWork++;
      if (r.code === 0) {
        completions++;
        if (!readFileSync(out).equals(refBytes)) mismatched++;
        if (existsSync(ck) || existsSync(`${ck}.partial`)) corrupt++;
        rmSync(out);
        lastStep = 0;
        continue;
      }
      if (r.code !== null) throw new Error(`denoise failed (${r.code}): ${r.stderr}`);
      kills++;
      if (existsSync(out) && !readFileSync(out).equals(refBytes)) corrupt++;
      if (!existsSync(ck)) {
        // killed after the output became durable and the checkpoint was removed (or before the first
        // checkpoint): the next run starts from the beginning, which loses nothing
        lastStep = 0;
        if (existsSync(out)) rmSync(out);
      } else {
        try {
          const step = readCheckpoint(ck).step;
          if (step < lastStep) lostWork++;
          lastStep = step;
        } catch {
          corrupt++;
        }
      }
    }
    // finish the interrupted run: it resumes and must give the reference bytes
    const last = await run(['denoise', join(dir, 'in.wav'), '-o', out, '--checkpoint', ck, '--checkpoint-every', '5']);
    expect(last.code, last.stderr).toBe(0);
    expect(readFileSync(out).equals(refBytes)).toBe(true);

    const state = join(dir, 'soak-state.json');
    const dsOut = join(dir, 'soak-ds');
    let replayKills = 0;
    while (replayKills < 10) {
      const p = start(['replay', join(dir, 'ds'), '--out', dsOut, '--state', state, '--no-stoi', '--workers', '1']);
      const timer = setTimeout(() => p.child.kill('SIGKILL'), replayMs * (0.2 + 1.1 * random()));
      const r = await p.done;
      clearTimeout(timer);
      for (const f of existsSync(dsOut) ? readdirSync(dsOut) : []) {
        if (f.endsWith('.tmp')) continue;
        if (!refOut[f] || !readFileSync(join(dsOut, f)).equals(refOut[f]!)) corrupt++;
      }
      if (existsSync(state)) {
        try {
          JSON.parse(readFileSync(state, 'utf8'));
        } catch {
          corrupt++;
        }
      }
      if (r.code === 0) {
        completions++;
        rmSync(dsOut, { recursive: true, force: true });
        rmSync(state, { force: true });
        continue;
      }
      if (r.code !== null) throw new Error(`replay failed (${r.code}): ${r.stderr}`);
      replayKills++;
    }
    const fin = await run(['replay', join(dir, 'ds'), '--out', dsOut, '--state', state, '--no-stoi', '--workers', '1']);
    expect(fin.code, fin.stderr).toBe(0);
    for (const [f, bytes] of Object.entries(refOut)) expect(readFileSync(join(dsOut, f)).equals(bytes)).toBe(true);
    // temp files of the killed processes are gone (cleaned by the runs that followed)
    const leftovers = [...readdirSync(dir), ...readdirSync(dsOut)].filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);

    const report = { kills: kills + replayKills, completions, corrupt, lostWork, mismatched };
    console.log(`kill -9 soak: ${JSON.stringify(report)}`);
    expect(kills + replayKills).toBeGreaterThanOrEqual(30);
    expect(corrupt).toBe(0);
    expect(lostWork).toBe(0);
    expect(mismatched).toBe(0);
  }, 300_000);
});
