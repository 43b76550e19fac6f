import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs bench/wasm-ab.ts and returns its stdout. */
function run(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/wasm-ab.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('bench/wasm-ab.ts (smoke, no timing assertions)', () => {
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
