/**
 * The README's command-line examples run as written in a fresh checkout: every `npx adamax-stream …`
 * line of its ```sh blocks is executed from the repository root (through the bin, which runs the
 * TypeScript sources when there is no build), with `out/` redirected to a temporary folder, and
 * must exit 0. The README must also stay within ~300 lines.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './readme-examples.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const out = mkdtempSync(join(tmpdir(), 'adamax-readme-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** `npx adamax-stream …` commands of the ```sh blocks (continuation lines joined, comments dropped). */
function commands(): string[][] {
  const result: string[][] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const cmd = line.replace(/#.*$/, '').trim();
      if (!cmd.startsWith('npx adamax-stream')) continue;
      result.push(
        cmd
          .split(/\s+/)
          .slice(2)
          .map((a) => a.replace(/^out\//, `${out}/`)),
      );
    }
  }
  return result;
}

describe('README command-line examples', () => {
  it('the README stays short (≤ 300 lines)', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('finds the examples', () => {
    expect(commands().length).toBeGreaterThanOrEqual(4);
  });

  it.each(commands().map((c) => [c.join(' '), c]))(
    'npx adamax-stream %s',
    async (_, args) => {
      const r = await promisify(execFile)(
        process.execPath,
        [join(ROOT, 'bin', 'adamax-stream.js'), ...(args as string[])],
        {
          cwd: ROOT,
          timeout: 110_000,
        },
      );
      expect(r.stdout.length).toBeGreaterThan(0); // execFile rejects on a non-zero exit
    },
    120_000,
  );
});
