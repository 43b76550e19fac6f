import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs bench/wasm-ab.ts and returns its stdout. */
function run(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/wasm-ab.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

/** Why the bench cannot read a revision's kernel source here (a checkout without git history), or undefined. */
function gitUnavailableReason(): string | undefined {
  try {
    execFileSync('git', ['cat-file', '-e', 'HEAD:src/core/wasm/adamax-simd.wat'], { cwd: root, stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no git checkout with HEAD:src/core/wasm/adamax-simd.wat';
  }
}

const SUITE = 'bench/wasm-ab.ts (smoke, no timing assertions)';
describe.skipIf(skipUnavailable(SUITE, gitUnavailableReason()))(SUITE, () => {
  it('compiles the committed kernel source of a revision and prints one row of paired ratios per size', () => {
    const out = run(['--base', 'HEAD', '--reps', '3', '64', '1000']);
    const rows = out.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((r) => r.split('|')[1]!.trim())).toEqual(['64', '1000']);
    for (const r of rows) {
      const cells = r.split('|').slice(2, -1).map(Number);
      expect(cells).toHaveLength(6);
      for (const c of cells) expect(c).toBeGreaterThan(0);
    }
  }, 60_000);

  it('measures the fused EMA kernel with --kernel ema', () => {
    const out = run(['--base', 'HEAD', '--reps', '3', '--kernel', 'ema', '100']);
    expect(out).toContain('kernel ema');
    expect(out.split('\n').filter((l) => /^\| 100 \|/.test(l))).toHaveLength(1);
  }, 60_000);

  it('rejects bad arguments with a message', () => {
    expect(() => run(['--reps', '1', '64'])).toThrow(/--reps 1/);
  }, 60_000);
});
