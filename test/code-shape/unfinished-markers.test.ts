/**
 * No text file in src/, pipelines/, samples/, bench/ or scripts/ holds an unfinished-work marker (the
 * to-do and fix-me words, h-a-c-k or a run of three x, in any case, anywhere in a line, generated data
 * included). Binary files (a NUL byte: the sample recordings) are skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNFINISHED_MARKER } from '../../scripts/unfinished-marker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['src', 'pipelines', 'samples', 'bench', 'scripts'];
const SKIP = new Set(['node_modules', '.git', '.tmp', 'dist']);

/** Generated, git-ignored output (`npm start` writes its report and WAV there). */
const GENERATED = join(ROOT, 'samples', 'data', 'out');

function files(dir: string): string[] {
  if (!existsSync(dir) || dir === GENERATED) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    SKIP.has(e.name) ? [] : e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** `path:line` of every line of a text file that holds a marker. */
function markersIn(path: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (UNFINISHED_MARKER.test(line) ? [`${path}:${i + 1}`] : []));
}

describe('unfinished-work markers', () => {
  it('the scan reports the line of each marker', () => {
    const text = ['ok', `a ${'TO'}${'DO'} here`, 'fine', `data${'x'.repeat(3)}data`].join('\n');
    expect(markersIn('f.ts', text)).toEqual(['f.ts:2', 'f.ts:4']);
  });

  it('no source, pipeline, sample, benchmark or script file holds one', () => {
    const found: string[] = [];
    let scanned = 0;
    for (const dir of DIRS) {
      for (const file of files(join(ROOT, dir))) {
        const bytes = readFileSync(file);
        if (bytes.includes(0)) continue;
        scanned++;
        found.push(...markersIn(relative(ROOT, file), bytes.toString('utf8')));
      }
    }
    expect(scanned).toBeGreaterThan(200);
    expect(found).toEqual([]);
  });
});
