/**
 * A benchmark never rewrites library source: results go to BENCHMARKS.md through one helper
 * (bench/lib/benchmarks-md.ts); proposed defaults are printed and applied by a commit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_MD } from '../../bench/lib/benchmarks-md.js';
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

  it('the reference benchmark proposes defaults as data (printed), starting from the current ones', () => {
    const { proposed, changed } = proposedDefaults({
      lr: REFERENCE_DEFAULTS.learningRate * 2,
      beta1: REFERENCE_DEFAULTS.beta1,
      beta2Seconds: REFERENCE_DEFAULTS.beta2Seconds,
      emaSeconds: REFERENCE_DEFAULTS.emaSeconds,
      constrained: REFERENCE_DEFAULTS.constrained,
      alternateConstraint: REFERENCE_DEFAULTS.alternateConstraint,
      projectGradient: REFERENCE_DEFAULTS.projectGradient,
      levelNormalizedLr: REFERENCE_DEFAULTS.levelNormalizedLr,
      warmupBoost: REFERENCE_DEFAULTS.warmupBoost,
      warmupSeconds: REFERENCE_DEFAULTS.warmupSeconds,
      emaWarmupSeconds: REFERENCE_DEFAULTS.emaWarmupSeconds,
      tracker: null,
    });
    expect(changed).toEqual(['learningRate']);
    expect(proposed.learningRate).toBe(REFERENCE_DEFAULTS.learningRate * 2);
    expect(Object.keys(proposed).sort()).toEqual(Object.keys(REFERENCE_DEFAULTS).sort());
  });
});
