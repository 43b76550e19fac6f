/**
 * `replay --workers N`: a worker-thread pool gives byte-identical outputs to one-after-the-other,
 * the state file lists exactly the files whose output is complete after an interrupt, a resume
 * redoes exactly the others, and the pool also runs from compiled JavaScript (no tsx), its threads on
 * the bundled thread module that the package build makes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../samples/04-dataset-replay.js';
import { bundlePoolWorker } from '../../scripts/build-pool-worker.mjs';
import { ReplayProgress } from '../../src/cli/replay-progress.js';
import { type ReplayFileResult, replayDataset } from '../../src/node/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let data: string;
let serialOut: string;
let serial: readonly ReplayFileResult[];

const outputs = (out: string) =>
  readdirSync(out)
    .filter((f) => f.endsWith('.denoised.wav'))
    .sort();
const sameBytes = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));
const withoutTiming = (r: ReplayFileResult) => ({ ...r, processingSec: 0, output: null });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-workers-'));
  data = join(dir, 'data');
  await makeDataset(data, 6, 1.5);
  serialOut = join(dir, 'serial');
  const r = await replayDataset({ source: data, outDir: serialOut, workers: 1, skipStoi: true });
  expect(r.failures).toEqual([]);
  serial = r.results;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay on a worker-thread pool', () => {
  it('--workers 2 writes byte-identical outputs and the same metrics as --workers 1', async () => {
    const out = join(dir, 'pool');
    const r = await replayDataset({ source: data, outDir: out, workers: 2, skipStoi: true });
    expect(r.interrupted).toBe(false);
    expect(r.results.map(withoutTiming)).toEqual(serial.map(withoutTiming));
    expect(outputs(out)).toEqual(outputs(serialOut));
    for (const f of outputs(out)) expect(sameBytes(join(out, f), join(serialOut, f)), f).toBe(true);
  });

  it('learner options reach the threads: --workers 2 equals --workers 1 with the same config, and differs from the defaults', async () => {
    const singleConfig = { optimizer: { learning_rate: 0.05 } };
    const one = join(dir, 'cfg1');
    const two = join(dir, 'cfg2');
    await replayDataset({ source: data, outDir: one, workers: 1, skipStoi: true, singleConfig });
    await replayDataset({ source: data, outDir: two, workers: 2, skipStoi: true, singleConfig });
    const single = serial.filter((r) => r.mode === 'single-channel').map((r) => `${r.name}.denoised.wav`);
    expect(single.length).toBeGreaterThan(0);
    for (const f of single) {
      expect(sameBytes(join(one, f), join(two, f)), f).toBe(true);
      expect(sameBytes(join(one, f), join(serialOut, f)), f).toBe(false);
    }
  });

  it('an abort mid-run leaves only complete outputs, all in the state; the resume redoes exactly the rest', async () => {
    const out = join(dir, 'abort');
    const state = join(dir, 'abort-state.json');
    const controller = new AbortController();
    const first = await replayDataset({
      source: data,
      outDir: out,
      statePath: state,
      workers: 2,
      skipStoi: true,
      signal: controller.signal,
      // Abort while two files are in flight, after one has finished.
      onFileDone: (_item, o) => {
        if (o.kind === 'done') controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { finished: Record<string, unknown> };
    const finished = Object.keys(saved.finished).sort();
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(6);
    expect(outputs(out)).toEqual(finished.map((n) => `${n}.denoised.wav`));
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const redone: string[] = [];
    const second = await replayDataset({
      source: data,
      outDir: out,
      statePath: state,
      workers: 2,
      skipStoi: true,
      onFileDone: (item, o) => {
        if (o.kind === 'done') redone.push(item.name);
      },
    });
    expect(second.interrupted).toBe(false);
    expect([...second.resumed].sort()).toEqual(finished);
    expect(redone.sort()).toEqual(serial.map((r) => r.name).filter((n) => !finished.includes(n)));
    for (const f of outputs(serialOut)) expect(sameBytes(join(out, f), join(serialOut, f)), f).toBe(true);
  });

  it('a corrupt file fails alone, with its error, while the pool finishes the others', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    for (const f of readdirSync(data).filter((f) => f.startsWith('clip1.') || f.startsWith('clip2.'))) {
      writeFileSync(join(bad, f), readFileSync(join(data, f)));
    }
    writeFileSync(join(bad, 'broken.wav'), 'RIFF nope');
    const r = await replayDataset({ source: bad, workers: 2, skipStoi: true });
    expect(r.failures.map((f) => f.name)).toEqual(['broken']);
    expect(r.failures[0]!.error).toContain('broken.wav');
    expect(r.results.map((x) => x.name)).toEqual(['clip1', 'clip2']);
  });
});

/** Compiles src/ and pipelines/ to JavaScript under `to` (transpile only: what the build emits at run time). */
function transpileTree(to: string): void {
  for (const top of ['src', 'pipelines']) {
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
          const js = ts.transpileModule(readFileSync(p, 'utf8'), {
            compilerOptions: {
              module: ts.ModuleKind.ESNext,
              target: ts.ScriptTarget.ES2022,
              verbatimModuleSyntax: true,
            },
          }).outputText;
          const dest = join(to, relative(root, p)).replace(/\.ts$/, '.js');
          mkdirSync(dirname(dest), { recursive: true });
          writeFileSync(dest, js);
        }
      }
    };
    walk(join(root, top));
  }
}

describe('aggregate progress', () => {
  it('counts resumed, finished and failed files and reports throughput in × real time', () => {
    const progress = new ReplayProgress({ isTTY: false, write: () => true });
    progress.skipped();
    progress.start(4);
    progress.progress('b', 0.5);
    progress.finished('b', { ...serial[0]!, durationSec: 1e6 });
    progress.finished('c', null);
    expect(progress.text()).toMatch(/^3\/4 files, \d+\.\d× real time$/);
  });
});

describe('the compiled CLI (no tsx)', () => {
  it('replay --workers 2 from .js, threads on the bundled module: Ctrl-C exits 130 with consistent state; the resume completes byte-identically', async () => {
    // Inside the repository (git-ignored .tmp/) so that node_modules resolves.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const dist = mkdtempSync(join(root, '.tmp', 'dist-'));
    try {
      transpileTree(dist);
      // as the package build does: the threads' module bundled into one file; the unbundled module is
      // removed, so the threads can only have run the bundle
      await bundlePoolWorker(dist);
      rmSync(join(dist, 'pipelines', 'replay-pool-worker.js'));
      const cli = join(dist, 'src', 'cli', 'run.js');
      const out = join(dir, 'compiled');
      const state = join(dir, 'compiled-state.json');
      const args = [cli, 'replay', data, '--out', out, '--state', state, '--workers', '2', '--no-stoi'];
      const first = await runNode(args, () => existsSync(state));
      expect(first.code, first.stderr).toBe(130);
      expect(first.stderr).toContain('to resume');
      const finished = Object.keys(JSON.parse(readFileSync(state, 'utf8')).finished).sort();
      expect(outputs(out)).toEqual(finished.map((n) => `${n}.denoised.wav`));
      expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const second = await runNode(args, () => false);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`6/6 files done (${finished.length} from an earlier run)`);
      for (const f of outputs(serialOut)) expect(sameBytes(join(out, f), join(serialOut, f)), f).toBe(true);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

/** Runs node with `args`; sends SIGINT once `interruptWhen()` holds (polled). */
function runNode(
  args: string[],
  interruptWhen: () => boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const poll = setInterval(() => {
      if (interruptWhen()) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}
