import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioUnavailableError } from '../core/errors.js';

/** Worklet modules shipped in `src/audio/worklets/` (file name without extension). */
export type WorkletModuleName = 'adaptive-filter-processor';

const cache = new Map<WorkletModuleName, Promise<string>>();

/** Changes when the transpile settings below change (part of the cache key with the source text). */
const TRANSPILE_FORMAT = 'es2022-esm-v1';

/**
 * Absolute path of a runnable (plain JavaScript) worklet module, for `ctx.audioWorklet.addModule`.
 *
 * node-web-audio-api runs worklet modules with a dynamic `import()` inside a `worker_threads`
 * Worker that no loader hook (tsx, vite) reaches, so the module must be `.js` at run time:
 * 1. the compiled file next to the running code: `dist/audio/worklets/<name>.js` (main build) or
 *    `dist/worklets/<name>.js` (`tsc -p tsconfig.worklet.json`) — this is what the published
 *    package ships and uses;
 * 2. otherwise (running from the TypeScript sources under tsx or vitest) `src/audio/worklets/<name>.ts`
 *    is transpiled once with `typescript`'s `transpileModule` (a devDependency, loaded lazily only
 *    on this path) into `<tmpdir>/adamax-stream-worklets/<name>-<hash>.mjs`, reused while the
 *    source is unchanged.
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
  const source = readFileSync(sourcePath, 'utf8');
  const hash = createHash('sha256').update(TRANSPILE_FORMAT).update('\0').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'adamax-stream-worklets');
  const target = join(dir, `${name}-${hash}.mjs`);
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
  const { outputText } = ts.transpileModule(source, {
    fileName: sourcePath,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  });
  mkdirSync(dir, { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, outputText);
  renameSync(temp, target); // atomic: concurrent processes never import a half-written file
  return target;
}
