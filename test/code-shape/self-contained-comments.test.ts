/**
 * Comments stand alone: no comment in src/, bench/, scripts/, test/, pipelines/ or samples/ points to a
 * Markdown file that is not in the repository, or to a tracker entry (the word issue followed by a
 * number, or a hash sign followed by a number) that a reader of the code cannot open. Citations of
 * public sources (an owner/repo name, then the hash-number) are allowed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['src', 'bench', 'scripts', 'test', 'pipelines', 'samples'];
const SKIP = new Set(['node_modules', '.git', '.tmp', 'dist', 'fixtures', 'data']);

function files(dir: string, match: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    SKIP.has(e.name)
      ? []
      : e.isDirectory()
        ? files(join(dir, e.name), match)
        : match(e.name)
          ? [join(dir, e.name)]
          : [],
  );
}

/** Every Markdown file name in the repository (docs/, the root, samples …). */
const MARKDOWN = new Set(files(ROOT, (n) => n.endsWith('.md')).map((p) => basename(p)));

/** The comments of a TypeScript/JavaScript file, each with its line number. */
function commentsOf(text: string): { line: number; text: string }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const out: { line: number; text: string }[] = [];
  let kind = scanner.scan();
  while (kind !== ts.SyntaxKind.EndOfFileToken) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
      const start = scanner.getTokenStart();
      out.push({ line: text.slice(0, start).split('\n').length, text: scanner.getTokenText() });
    } else if (kind === ts.SyntaxKind.CloseBraceToken) {
      // a `}` may close a template-literal substitution: let the scanner continue the template
      const re = scanner.reScanTemplateToken(false);
      if (re !== ts.SyntaxKind.CloseBraceToken) kind = re;
    }
    kind = scanner.scan();
  }
  return out;
}

const TRACKER = /\bissues?\s*#?\d+|(?<![\w&])#\d+\b/i;
const CITATION = /[\w.-]+\/[\w.-]+\s+#\d+/g;
const MD_REF = /[\w./-]*[\w-]+\.md\b/g;

/** The pointers in one comment that lead outside the repository. */
function outsidePointers(comment: string, fromDir: string): string[] {
  const found: string[] = [];
  const text = comment.replace(CITATION, '');
  const t = TRACKER.exec(text);
  if (t) found.push(t[0].trim());
  for (const m of text.matchAll(MD_REF)) {
    const ref = m[0];
    const there = ref.includes('/')
      ? existsSync(resolve(ROOT, ref)) || existsSync(resolve(fromDir, ref))
      : MARKDOWN.has(ref);
    if (!there) found.push(ref);
  }
  return found;
}

describe('self-contained comments', () => {
  it('the checker catches the pointers it is meant to catch', () => {
    const here = join(ROOT, 'src');
    expect(outsidePointers('// see dsp.md §8', here)).toEqual(['dsp.md']);
    expect(outsidePointers('/** as in platform.md and architecture.md */', here)).toEqual([
      'platform.md',
      'architecture.md',
    ]);
    expect(outsidePointers('// rules of DEVELOPERS.md', here)).toEqual(['DEVELOPERS.md']);
    expect(outsidePointers('// benchmark of issue #4', here)).toEqual(['issue #4']);
    expect(outsidePointers('// fixed in (#12)', here)).toEqual(['#12']);
    expect(outsidePointers('// Issue 7 asked for this', here)).toEqual(['Issue 7']);
    expect(outsidePointers('// see docs/design.md and BENCHMARKS.md', here)).toEqual([]);
    expect(outsidePointers('// activity gate (elizaOS/eliza #9612)', here)).toEqual([]);
    const source = ['const a = `x$', '{b}y`; // c\n/* d */ const e = "// no";'].join('');
    expect(commentsOf(source).map((c) => c.text)).toEqual(['// c', '/* d */']);
  });

  it('no comment points to a file or tracker entry outside the repository', () => {
    const offenders: string[] = [];
    for (const dir of DIRS) {
      for (const file of files(join(ROOT, dir), (n) => /\.(ts|mts|mjs|js)$/.test(n))) {
        for (const c of commentsOf(readFileSync(file, 'utf8'))) {
          for (const p of outsidePointers(c.text, dirname(file)))
            offenders.push(`${relative(ROOT, file)}:${c.line} ${p}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
