/** docs/benchmark-summary.md's block is the one scripts/sync-readme-bench.ts builds from BENCHMARKS.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderBenchBlock, syncReadme } from '../../scripts/sync-readme-bench.js';
import { ROOT } from './readme-examples.js';

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('README benchmark block', () => {
  it('is in sync with BENCHMARKS.md (else run: node --import tsx scripts/sync-readme-bench.ts)', () => {
    const readme = read('docs/benchmark-summary.md');
    expect(syncReadme(readme, read('BENCHMARKS.md'))).toBe(readme);
  });

  it('copies rows verbatim and fails loudly on a missing table', () => {
    const bench = read('BENCHMARKS.md');
    const block = renderBenchBlock(bench);
    for (const line of block.split('\n').filter((l) => l.startsWith('|'))) expect(bench).toContain(line);
    expect(() => renderBenchBlock(bench.replace('| goal |', '| aim |'))).toThrow(/goal/);
  });
});
