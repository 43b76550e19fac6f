/**
 * Memory benchmark of `denoise`: peak RSS of the CLI (a fresh child process per run) for WAV files
 * of 1, 10 and 60 minutes at 48 kHz stereo (16-bit), generated in a temporary folder and deleted
 * afterwards. The default run streams (constant memory); `--whole-file` also measures the whole-file
 * path (forced with `--clean`) on the shorter files, for contrast.
 *
 *   node --import tsx bench/memory.ts [--minutes 1,10,60] [--whole-file] [--write]
 *
 * Targets: ≤ 200 MB at 60 min, and 60 min / 1 min ≤ 1.25. `--write` puts the table in BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavFileWriter } from '../src/audio/wav-file-writer.js';
import { main } from '../src/cli/main.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';

const RATE = 48000;

/** Child mode: run one CLI command, then print the process's peak RSS in bytes. */
async function child(argv: string[]): Promise<void> {
  const quiet = { write: () => true };
  const code = await main(argv, { stdout: quiet, stderr: { isTTY: false, write: () => true } });
  process.stdout.write(`${JSON.stringify({ code, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

/** A 48 kHz stereo 16-bit WAV of `minutes`, written chunk by chunk (speech-like bursts in noise). */
function generate(path: string, minutes: number): void {
  const w = new WavFileWriter(path, RATE, 'pcm16', 2);
  const chunk = RATE;
  const l = new Float32Array(chunk);
  const r = new Float32Array(chunk);
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let s = 0; s < minutes * 60; s++) {
    for (let i = 0; i < chunk; i++) {
      const t = s + i / RATE;
      const burst =
        Math.sin(2 * Math.PI * 0.7 * t) > 0 ? 0.3 * Math.sin(2 * Math.PI * (180 + 40 * Math.sin(t)) * t) : 0;
      l[i] = burst + 0.05 * noise();
      r[i] = 0.8 * burst + 0.05 * noise();
    }
    w.write([l, r]);
  }
  w.commit();
}

function measure(args: string[]): { code: number; maxRss: number; seconds: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { code: number; maxRss: number };
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv.slice(1));
  const at = argv.indexOf('--minutes');
  const minutes = at >= 0 ? argv[at + 1]!.split(',').map(Number) : [1, 10, 60];
  const whole = argv.includes('--whole-file');
  const dir = await mkdtemp(join(tmpdir(), 'adamax-memory-'));
  const rows: string[] = [];
  const results: { minutes: number; path: string; mb: number }[] = [];
  try {
    for (const m of minutes) {
      const input = join(dir, `in-${m}.wav`);
      generate(input, m);
      const s = measure(['denoise', input, '-o', join(dir, `out-${m}.wav`)]);
      if (s.code !== 0) throw new Error(`denoise of ${m} min failed with exit ${s.code}`);
      const mb = s.maxRss / 1e6;
      results.push({ minutes: m, path: 'streamed', mb });
      rows.push(`| ${m} min | streamed (default) | ${mb.toFixed(0)} MB | ${s.seconds.toFixed(0)} s |`);
      console.log(rows.at(-1));
      if (whole && m <= 10) {
        const w = measure(['denoise', input, '-o', join(dir, `whole-${m}.wav`), '--clean', input, '--model', 'online']);
        rows.push(
          `| ${m} min | whole file (\`--clean\`) | ${(w.maxRss / 1e6).toFixed(0)} MB | ${w.seconds.toFixed(0)} s |`,
        );
        console.log(rows.at(-1));
      }
      await rm(join(dir, `out-${m}.wav`), { force: true });
      await rm(input, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const first = results[0]!;
  const last = results.at(-1)!;
  const ratio = last.mb / first.mb;
  const md = [
    '## Memory: `denoise` of long files (bench/memory.ts)',
    '',
    `Peak RSS of the CLI process (\`process.resourceUsage().maxRSS\`, a fresh process per run), 48 kHz stereo 16-bit WAV, Node ${process.version}. Targets: ≤ 200 MB at 60 min, 60 min / 1 min ≤ 1.25.`,
    '',
    '| file | path | peak RSS | wall time |',
    '|---|---|---|---|',
    ...rows,
    '',
    `${last.minutes} min / ${first.minutes} min: ${ratio.toFixed(2)}×.`,
  ].join('\n');
  console.log(`\n${md}`);
  if (argv.includes('--write')) console.log(`wrote ${writeMarkedSection('memory', md)}`);
}

await run();
