/**
 * Lists functions, methods, constructors and arrow functions in src/ longer than a limit (default 80
 * lines, counted from the first to the last line of the declaration), longest first.
 * Run: node --import tsx scripts/long-functions.ts [limit]
 * test/code-shape/long-functions.test.ts runs the same scan and fails on a function over 80 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One function longer than the limit: its line count, `path:line`, and its name. */
export interface LongFunction {
  readonly lines: number;
  readonly path: string;
  readonly line: number;
  readonly name: string;
}

function walk(dir: string, found: LongFunction[], limit: number): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found, limit);
    else if (name.endsWith('.ts') && !name.endsWith('.generated.ts')) scan(path, found, limit);
  }
}

function scan(path: string, found: LongFunction[], limit: number): void {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) {
        const name = (node as ts.FunctionLikeDeclaration).name?.getText(sf) ?? ts.SyntaxKind[node.kind];
        found.push({ lines, path: path.split('\\').join('/'), line: start + 1, name });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** Every function under `dir` (relative paths stay relative) longer than `limit` lines, longest first. */
export function longFunctions(dir: string, limit = 80): LongFunction[] {
  const found: LongFunction[] = [];
  walk(dir, found, limit);
  return found.sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const limit = Number(process.argv[2] ?? 80);
  const found = longFunctions('src', limit);
  for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.path}:${f.line} ${f.name}`);
  console.log(`${found.length} function(s) longer than ${limit} lines`);
}
