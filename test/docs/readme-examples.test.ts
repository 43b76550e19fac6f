/**
 * Runs every runnable TypeScript example of README.md / docs/*.md exactly as written (imports
 * pointed at the checkout), so the documentation cannot rot. Examples fenced ```ts no-run (files,
 * devices, long runs) are only type-checked (readme-typecheck.test.ts); `signature` blocks are skipped.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useScopedTmpdir } from '../helpers/scoped-tmpdir.js';
import { type Example, extractExamples } from './readme-examples.js';

const examples: Example[] = extractExamples();

describe('README examples run', () => {
  // examples that save files make their folders under os.tmpdir()
  useScopedTmpdir('adamax-doc-examples-');
  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(40);
    expect(examples.filter((e) => e.run).length).toBeGreaterThan(30);
  });

  for (const ex of examples.filter((e) => e.run)) {
    it(`${ex.where} (${ex.heading})`, async () => {
      await import(ex.file);
    });
  }
});
