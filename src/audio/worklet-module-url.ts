import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioUnavailableError } from '../core/errors.js';

/** Worklet modules shipped in `src/audio/worklets/` (file name without extension). */
export type WorkletModuleName = 'adaptive-filter-processor';

const cache = new Map<WorkletModuleName, Promise<string>>();

/** Changes when the transpile settings below change (part of the cache key with the source text). */
const TRANSPILE_FORMAT = 'es2022-esm-v2';

/**
 * Absolute path of a runnable (plain JavaScript) worklet module, for `ctx.audioWorklet.addModule`.
 *
 * node-web-audio-api runs worklet modules with a dynamic `import()` inside a `worker_threads`
 * Worker that no loader hook (tsx, vite) reaches, so the module must be `.js` at run time:
 * 1. the compiled file next to the running code: `dist/src/audio/worklets/<name>.js` (main build,
 *    beside the compiled modules it imports) — this is what the published package ships and uses;
 * 2. otherwise (running from the TypeScript sources under tsx or vitest) `src/audio/worklets/<name>.ts`
 *    and its relative imports are transpiled once with `typescript`'s `transpileModule` (a
 *    devDependency, loaded lazily only on this path) into the same layout under
 *    `<tmpdir>/adamax-stream-worklets/<name>-<hash>/` (a `"type": "module"` package), reused while
 *    the sources are unchanged.
 *
 * @throws {AudioUnavailableError} (as a rejection) when neither the compiled module nor the source
 *   plus `typescript` is available.
 */
export function workletModulePath(name: WorkletModuleName = 'adaptive-filter-processor'): Promise<string> {
  let pending = cache.get(name);
  if (pending === undefined) {
    pending = resolveWorkletModule(name);
    cache.set(name, pending);
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function resolveWorkletModule(name: WorkletModuleName): Promise<string> {
  for (const rel of [`./worklets/${name}.js`, `../worklets/${name}.js`]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  const sourcePath = fileURLToPath(new URL(`./worklets/${name}.ts`, import.meta.url));
  if (!existsSync(sourcePath)) {
    throw new AudioUnavailableError(
      `The worklet module '${name}' was found neither compiled (${name}.js next to ${fileURLToPath(import.meta.url)}) ` +
        `nor as TypeScript source (${sourcePath}). Rebuild the package (the build compiles tsconfig.worklet.json).`,
    );
  }
  const srcRoot = fileURLToPath(new URL('../', import.meta.url));
  const files = importClosure(sourcePath);
  const hash = createHash('sha256').update(TRANSPILE_FORMAT);
  for (const [file, text] of files) hash.update('\0').update(relative(srcRoot, file)).update('\0').update(text);
  const dir = join(tmpdir(), 'adamax-stream-worklets', `${name}-${hash.digest('hex').slice(0, 16)}`);
  const target = join(dir, 'audio', 'worklets', `${name}.js`);
  if (existsSync(target)) return target; // importing typescript costs ~1 s; skip it when cached
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch (cause) {
    throw new AudioUnavailableError(
      `The worklet module '${name}' is only available as TypeScript source (${sourcePath}) and the \`typescript\` ` +
        'package needed to transpile it at run time is not installed. Build the package first or install typescript.',
      { cause },
    );
  }
  // Build the tree in a private directory, then rename it into place: concurrent processes never
  // import a half-written module.
  const temp = `${dir}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  for (const [file, text] of files) {
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        sourceMap: false,
      },
    });
    const out = join(temp, relative(srcRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  writeFileSync(join(temp, 'package.json'), '{ "type": "module" }\n');
  try {
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target)) throw error; // else another process finished first
  }
  return target;
}

/**
 * The TypeScript sources a module needs at run time: itself and, recursively, every relative
 * import (`./x.js` → `./x.ts`), as path → source text. Type-only imports are included too (their
 * JavaScript is empty), which keeps this a plain text scan.
 */
function importClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      pending.push(join(dirname(file), `${match[1]}.ts`));
    }
  }
  return files;
}
