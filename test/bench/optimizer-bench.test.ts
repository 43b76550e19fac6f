import { describe, expect, it } from 'vitest';
import { METHOD_LABELS, type MethodId, replaceSection, runOptimizerBench } from '../../bench/optimizer.bench.js';

const METHODS = Object.keys(METHOD_LABELS) as MethodId[];

describe('bench/optimizer.bench.ts (smoke)', () => {
  it('returns one row per method and size (quick mode incl. tfjs cpu + wasm, no timing assertions)', async () => {
    const sizes = [256, 1000];
    const results = await runOptimizerBench({ quick: true, sizes, log: () => {} });
    expect(results).toHaveLength(sizes.length * METHODS.length);
    for (const n of sizes) {
      const rows = results.filter((r) => r.n === n);
      expect(rows.map((r) => r.method)).toEqual(METHODS);
      for (const r of rows) {
        expect(r.label).toBe(METHOD_LABELS[r.method]);
        expect(r.nsPerParamStep).toBeGreaterThan(0);
        expect(Number.isFinite(r.vsBaseline)).toBe(true);
        expect(Number.isFinite(r.speedupVsTfjsCpu)).toBe(true);
        expect(Number.isFinite(r.speedupVsTfjsWasm)).toBe(true);
        expect(Number.isFinite(r.vsFloor)).toBe(true);
        expect(r.cpuNsPerParamStep).toBeGreaterThanOrEqual(0);
        expect(r.nsMin).toBeLessThanOrEqual(r.nsPerParamStep);
        expect(r.nsMax).toBeGreaterThanOrEqual(r.nsPerParamStep);
        expect(r.reps).toBeGreaterThan(0);
        expect(r.stepsPerRep).toBeGreaterThanOrEqual(1);
      }
      // paired ratios of a method to itself are exactly 1
      expect(rows.find((r) => r.method === 'f32-loop')!.vsBaseline).toBe(1);
      expect(rows.find((r) => r.method === 'floor')!.vsFloor).toBe(1);
      expect(rows.find((r) => r.method === 'step-wasm')!.vsStep).toBe(1);
      expect(rows.find((r) => r.method === 'tfjs-cpu')!.speedupVsTfjsCpu).toBe(1);
      // the target pairings: the step against the floors on its own buffers, apply against its own step
      expect(Number.isFinite(rows.find((r) => r.method === 'step-shared')!.vsSharedFloor)).toBe(true);
      expect(Number.isFinite(rows.find((r) => r.method === 'apply-slot-wasm')!.vsOwnStep)).toBe(true);
      expect(rows.find((r) => r.method === 'apply-wasm')!.vsOwnStep).toBeNaN();
    }
  }, 20_000);

  it('replaces only the marked section of BENCHMARKS.md', () => {
    const start = '<!-- optimizer-bench:start -->';
    const end = '<!-- optimizer-bench:end -->';
    const created = replaceSection(null, 'TABLE 1');
    expect(created).toContain(`${start}\nTABLE 1\n${end}`);
    expect(created.startsWith('# Benchmarks')).toBe(true);
    const other = `# Benchmarks\n\nintro\n\n${start}\nold\n${end}\n\n## Other section\nkeep me\n`;
    const replaced = replaceSection(other, 'TABLE 2');
    expect(replaced).toBe(`# Benchmarks\n\nintro\n\n${start}\nTABLE 2\n${end}\n\n## Other section\nkeep me\n`);
    const appended = replaceSection('# Benchmarks\n\n## Kernel\nx\n', 'TABLE 3');
    expect(appended).toBe(`# Benchmarks\n\n## Kernel\nx\n\n${start}\nTABLE 3\n${end}\n`);
  });
});
