/**
 * A benchmark never rewrites library source: results go to BENCHMARKS.md through one helper
 * (bench/lib/benchmarks-md.ts); proposed defaults are printed and applied by a commit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_MD } from '../../bench/lib/benchmarks-md.js';
import { FD_ADAMAX_V1 } from '../../bench/lib/reference-methods.js';
import { proposedDefaults } from '../../bench/quality-reference.js';
import { REFERENCE_DEFAULTS } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITE =
  /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|renameSync|rename|copyFileSync|copyFile|cpSync|rmSync|unlinkSync|unlink|truncateSync|openSync)\s*\(/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The code of a file without its import statements and comments. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/^import[\s\S]*?from\s+['"][^'"]+['"];?$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('benchmarks do not write library source', () => {
  const files = tsFiles(join(ROOT, 'bench'));

  it('the only file-writing calls under bench/ are in bench/lib/benchmarks-md.ts, which writes BENCHMARKS.md', () => {
    expect(files.length).toBeGreaterThan(3);
    const writers = files.filter((f) => WRITE.test(code(f))).map((f) => relative(ROOT, f).replaceAll('\\', '/'));
    expect(writers).toEqual(['bench/lib/benchmarks-md.ts']);
    expect(BENCHMARKS_MD.endsWith('BENCHMARKS.md')).toBe(true);
  });

  it('no bench code names a path under src/ (outside import statements)', () => {
    const offenders = files.filter((f) => /['"`](\.\.?\/)*src['"`/]/.test(code(f)));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the v1 reference benchmark proposes one-path defaults as data (printed), starting from the current ones', () => {
    const { proposed, changed } = proposedDefaults({ ...FD_ADAMAX_V1, lr: FD_ADAMAX_V1.lr * 2 });
    expect(proposed.design).toBe('one-path');
    expect(proposed.learningRate).toBe(FD_ADAMAX_V1.lr * 2);
    expect(Object.keys(proposed).sort()).toEqual(Object.keys(REFERENCE_DEFAULTS).sort());
    const current = REFERENCE_DEFAULTS as Record<string, unknown>;
    const differing = Object.keys(proposed).filter((k) => JSON.stringify(proposed[k]) !== JSON.stringify(current[k]));
    expect(changed).toEqual(differing);
    expect(changed).toContain('design');
  });
});
