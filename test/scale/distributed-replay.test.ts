/**
 * Distributed replay on a real redis-server (127.0.0.1, free port, AOF on): `adamax-stream worker`
 * processes take the files; one is SIGKILLed mid-file and Redis is SIGKILLed and restarted at the
 * same time; the file is taken over through BullMQ's stalled-job check and continued from its
 * checkpoint. Every output is byte-identical to a serial run, every file done exactly once; a
 * corrupt file fails once with its error; re-submitting is idempotent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayFileResult, replayDataset, replayDistributed } from '../../pipelines/index.js';
import { makeDataset } from '../../samples/04-dataset-replay.js';
import { type RedisServer, redisUnavailableReason, startRedis } from '../helpers/redis-server.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const unavailable = redisUnavailableReason();

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly log: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `adamax-stream worker` from source with short lock and stall intervals. */
function startWorker(url: string, queue: string): WorkerProcess {
  const args = ['--import', 'tsx', join(root, 'src/cli/run.ts'), 'worker', '--redis', url, '--queue', queue];
  args.push('--concurrency', '1', '--lock-duration', '1000', '--stalled-interval', '300', '--checkpoint-every', '8');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, log: () => out, exited };
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const withoutTiming = (r: ReplayFileResult) => ({ ...r, processingSec: 0, output: null, noisy: '' });

describe.skipIf(skipUnavailable('distributed replay on Redis', unavailable))('distributed replay on Redis', () => {
  let dir: string;
  let data: string;
  let serialOut: string;
  let serial: readonly ReplayFileResult[];
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adamax-dist-'));
    data = join(dir, 'data');
    await makeDataset(data, 3, 6);
    serialOut = join(dir, 'serial');
    serial = (await replayDataset({ source: data, outDir: serialOut, workers: 1, skipStoi: true })).results;
    writeFileSync(join(data, 'zz-broken.wav'), 'RIFF not audio');
    redis = await startRedis(dir, { aof: true });
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a SIGKILLed worker and a Redis restart (AOF): the file resumes elsewhere from its checkpoint; outputs identical, each done once', async () => {
    const queue = `q${process.pid}`;
    const out = join(dir, 'out');
    const checkpoints = join(out, '.adamax-checkpoints');
    const a = startWorker(redis.url, queue);
    workers.push(a);
    const run = replayDistributed({ source: data, outDir: out, redis: redis.url, queue, skipStoi: true, pollMs: 50 });
    // Worker A is inside clip1 (online, checkpointed) once a checkpoint exists: kill it, and Redis with it.
    await until(
      () => existsSync(checkpoints) && readdirSync(checkpoints).some((f) => f.endsWith('.ckpt')),
      'a checkpoint',
    );
    a.child.kill('SIGKILL');
    await a.exited;
    await redis.kill();
    await redis.restart();
    const killedAt = Date.now();
    const b = startWorker(redis.url, queue);
    workers.push(b);
    const result = await run;
    const tookOverMs = Date.now() - killedAt;

    expect(result.interrupted).toBe(false);
    expect(result.results.map(withoutTiming)).toEqual(serial.map(withoutTiming));
    expect(result.failures.map((f) => f.name)).toEqual(['zz-broken']);
    expect(result.failures[0]!.error).toContain('zz-broken.wav');
    for (const r of serial) {
      const f = `${r.name}.denoised.wav`;
      expect(readFileSync(join(out, f)).equals(readFileSync(join(serialOut, f))), f).toBe(true);
    }
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Each file done exactly once over both workers; clip1 continued from A's checkpoint on B.
    const log = a.log() + b.log();
    for (const r of serial) expect(log.match(new RegExp(`^${r.name}: done`, 'gm'))?.length, r.name).toBe(1);
    expect(b.log()).toMatch(/^clip1: done \(resumed from frame [1-9]\d*\)$/m);
    // The corrupt file failed once, not retried.
    expect(log.match(/^zz-broken: failed/gm)?.length).toBe(1);
    expect(log).not.toContain('zz-broken: failed (will retry)');
    expect(readdirSync(checkpoints)).toEqual([]);
    expect(tookOverMs).toBeLessThan(30_000);

    // Re-submitting: the finished files are not redone (same outputs, untouched).
    const mtimes = serial.map((r) => statSync(join(out, `${r.name}.denoised.wav`)).mtimeMs);
    const again = await replayDistributed({ source: data, outDir: out, redis: redis.url, queue, skipStoi: true });
    expect([...again.resumed]).toEqual(serial.map((r) => r.name));
    expect(again.results.map(withoutTiming)).toEqual(serial.map(withoutTiming));
    expect(serial.map((r) => statSync(join(out, `${r.name}.denoised.wav`)).mtimeMs)).toEqual(mtimes);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 120_000);
});

describe('distributed CLI usage', () => {
  it('replay --redis needs --out; worker needs --redis; a bad URL is a usage error', async () => {
    const { runCli } = await import('../cli/helpers.js');
    const r1 = await runCli(['replay', 'x', '--redis', 'redis://127.0.0.1:1']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('--out');
    const r2 = await runCli(['worker']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--redis');
    const r3 = await runCli(['worker', '--redis', 'http://127.0.0.1:1', '--concurrency', '1']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('Not a Redis URL');
  });

  it('serve parses the same way (one helper): --redis required and checked, knobs bounded, -h prints the help', async () => {
    const { runCli } = await import('../cli/helpers.js');
    const r1 = await runCli(['serve']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('serve: --redis <url> is required.');
    const r2 = await runCli(['serve', '--redis', 'http://127.0.0.1:1']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('Not a Redis URL');
    const r3 = await runCli(['serve', '--redis', 'redis://127.0.0.1:1', '--lease-ms', '5']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('serve: --lease-ms must be an integer in [100, 3600000]. Received: 5');
    const r4 = await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--checkpoint-every', '0.5']);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toContain('worker: --checkpoint-every must be an integer >= 1. Received: 0.5');
    const r5 = await runCli(['serve', '-h']);
    expect(r5.code).toBe(0);
    expect(r5.stdout).toContain('Usage: adamax-stream serve');
  });
});
