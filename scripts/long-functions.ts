/**
 * Lists functions, methods, constructors and arrow functions in src/ longer than a limit (default 80
 * lines, counted from the first to the last line of the declaration), longest first.
 * Run: node --import tsx scripts/long-functions.ts [limit]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const limit = Number(process.argv[2] ?? 80);
const found: { lines: number; where: string }[] = [];

function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.generated.ts')) scan(path);
  }
}

function scan(path: string): void {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) {
        const name = (node as ts.FunctionLikeDeclaration).name?.getText(sf) ?? ts.SyntaxKind[node.kind];
        found.push({ lines, where: `${path}:${start + 1} ${name}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

walk('src');
found.sort((a, b) => b.lines - a.lines);
for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.where}`);
console.log(`${found.length} function(s) longer than ${limit} lines`);
