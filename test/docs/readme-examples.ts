/**
 * Extracts the TypeScript examples of README.md (and docs/*.md) so the docs tests can type-check
 * and run them exactly as written (the Tone.js `test:readme` idea).
 *
 * Fence info strings: ```ts → type-checked and run; ```ts no-run → type-checked only (needs a
 * device, a dataset or minutes of audio); ```ts signature → neither (a signature, not code).
 * Imports are rewritten for the checkout: `'adamax-stream'` → `src/index.js`, `'adamax-stream/node'` →
 * `src/node/index.js`, `'adamax-stream/web'` → `src/web/index.js`,
 * `'./pipelines/index.js'` → `pipelines/index.js`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the extracted examples are written (git-ignored). */
export const OUT_DIR = join(ROOT, '.tmp', 'readme-examples');

export interface Example {
  /** `README.md:123` (the line of the opening fence). */
  readonly where: string;
  /** The nearest heading above the block. */
  readonly heading: string;
  readonly run: boolean;
  readonly code: string;
  /** Absolute path of the extracted file. */
  readonly file: string;
}

/** The Markdown files whose examples are checked: README.md and docs/*.md. */
export function docFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const extra = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => join('docs', f))
    : [];
  return ['README.md', ...extra];
}

function rewriteImports(code: string, depth: string): string {
  return code
    .replace(/from 'adamax-stream'/g, `from '${depth}src/index.js'`)
    .replace(/from 'adamax-stream\/node'/g, `from '${depth}src/node/index.js'`)
    .replace(/from 'adamax-stream\/web'/g, `from '${depth}src/web/index.js'`)
    .replace(/from '\.\/pipelines\/index\.js'/g, `from '${depth}pipelines/index.js'`);
}

/** Every ```ts block of the docs, written to {@link OUT_DIR} (recreated). */
export function extractExamples(): Example[] {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const out: Example[] = [];
  for (const doc of docFiles()) {
    const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
    let heading = doc;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
      const fence = /^```ts(?:\s+(.*))?$/.exec(line);
      if (!fence) continue;
      const flags = (fence[1] ?? '').trim();
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
      if (flags === 'signature') continue;
      const n = String(out.length + 1).padStart(3, '0');
      const file = join(OUT_DIR, `example-${n}.ts`);
      const code = body.join('\n');
      writeFileSync(file, `// ${doc}:${start + 1} — ${heading}\n${rewriteImports(code, '../../')}\nexport {};\n`);
      out.push({ where: `${doc}:${start + 1}`, heading, run: flags !== 'no-run', code, file });
    }
  }
  return out;
}
