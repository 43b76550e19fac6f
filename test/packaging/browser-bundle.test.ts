/**
 * The root entry point `adamax-stream` is isomorphic: esbuild bundles src/index.ts for the browser
 * platform, and any Node built-in (`node:*`, `fs`, …) or native module reachable from it fails the
 * build. The bundle is then evaluated in a bare `vm` context (no `process`, no `require`, no Node
 * globals) to prove nothing touches Node at import time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { ROOT } from '../docs/readme-examples.js';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Records every Node built-in or native-module import esbuild meets (and marks it external). */
function forbidNode(found: string[]): Plugin {
  return {
    name: 'forbid-node',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path) || args.path === 'node-web-audio-api') {
          found.push(`${args.path} (imported by ${args.importer.replace(ROOT, '')})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundle(entry: string, format: 'esm' | 'iife' = 'esm'): Promise<{ code: string; nodeImports: string[] }> {
  const nodeImports: string[] = [];
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    format,
    globalName: 'adamaxStream',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [forbidNode(nodeImports)],
  });
  return { code: result.outputFiles[0]!.text, nodeImports };
}

describe('browser bundle of the root entry point', () => {
  it('has no Node built-in or native import anywhere under src/index.ts', async () => {
    const { code, nodeImports } = await bundle('src/index.ts');
    expect(nodeImports).toEqual([]);
    expect(code.length).toBeGreaterThan(50_000);
  });

  it('evaluates in a context without Node globals and exposes the core', async () => {
    const { code } = await bundle('src/index.ts', 'iife');
    const context = createContext({ console, performance, queueMicrotask, setTimeout, clearTimeout });
    runInContext(`${code}\nglobalThis.adamaxStream = adamaxStream;`, context);
    const ns = (context as { adamaxStream: Record<string, unknown> }).adamaxStream;
    expect(typeof ns.Adamax).toBe('function');
    expect(typeof ns.PartitionedFdFilter).toBe('function');
    expect(typeof ns.learn).toBe('function');
    expect(runInContext('typeof process + typeof require + typeof Buffer', context)).toBe(
      'undefinedundefinedundefined',
    );
  });

  it('the check itself detects a Node import', async () => {
    const { nodeImports } = await bundle('src/node/index.ts');
    expect(nodeImports.some((i) => i.startsWith('node:fs'))).toBe(true);
  });

  it('adamax-stream/web ships as self-contained ES modules: no import statement at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adamax-webbundle-'));
    try {
      await buildWeb(dir);
      for (const f of ['index.js', 'denoiser-processor.js']) {
        const code = readFileSync(join(dir, f), 'utf8');
        expect(code, f).not.toMatch(/^\s*import[\s{*"']|\bimport\s*\(|(?<![.\w$])require\s*\(\s*["'`]/m);
      }
      expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain(
        'new URL("./denoiser-processor.js", import.meta.url)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
