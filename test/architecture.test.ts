/**
 * Import boundaries: core, optim, models and signal import neither rxjs nor node-web-audio-api; only
 * src/rx imports rxjs (types included: the browser node's Observables come through src/rx's port
 * bridge); only src/audio imports node-web-audio-api, lazily; src/web imports no Node built-in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}
const src = files(join(root, 'src')).map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));
const importsOf = (text: string, pkg: string) =>
  new RegExp(`(?:from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*)['"]${pkg}(?:/[^'"]*)?['"]`).test(text);
const staticValueImport = (text: string, pkg: string) =>
  new RegExp(`^\\s*import\\s+(?!type\\b)[^;]*from\\s+['"]${pkg}(?:/[^'"]*)?['"]`, 'm').test(text);

describe('layering', () => {
  it('finds the source tree', () => {
    expect(src.length).toBeGreaterThan(10);
  });
  it('only src/rx imports rxjs (values or types, static or dynamic)', () => {
    expect(src.filter((f) => f.path.startsWith('src/rx/') && importsOf(f.text, 'rxjs')).length).toBeGreaterThan(5);
    const offenders = src.filter((f) => !f.path.startsWith('src/rx/') && importsOf(f.text, 'rxjs'));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });
  it('core, optim, models and signal import neither rxjs nor node-web-audio-api', () => {
    const pure = src.filter((f) => /^src\/(core|optim|models|signal)\//.test(f.path));
    expect(pure.length).toBeGreaterThan(5);
    const offenders = pure.filter((f) => importsOf(f.text, 'rxjs') || importsOf(f.text, 'node-web-audio-api'));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });
  it('only src/audio imports node-web-audio-api, and never statically (values)', () => {
    const outside = src.filter((f) => !f.path.startsWith('src/audio/') && importsOf(f.text, 'node-web-audio-api'));
    expect(outside.map((f) => f.path)).toEqual([]);
    const eager = src.filter((f) => staticValueImport(f.text, 'node-web-audio-api'));
    expect(eager.map((f) => f.path)).toEqual([]);
  });
  it('src/web imports no Node built-in and no node-web-audio-api', () => {
    const web = src.filter((f) => f.path.startsWith('src/web/'));
    expect(web.length).toBeGreaterThan(3);
    const offenders = web.filter((f) => importsOf(f.text, 'node:[a-z_/]+') || importsOf(f.text, 'node-web-audio-api'));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });
  it('the check itself detects a violation', () => {
    expect(importsOf("import { map } from 'rxjs';", 'rxjs')).toBe(true);
    // the form src/web/create-denoiser-node.ts once had, and type-only, re-export and subpath forms
    expect(importsOf("import { type Observable, Subject } from 'rxjs';", 'rxjs')).toBe(true);
    expect(importsOf('import type { Observable } from "rxjs";', 'rxjs')).toBe(true);
    expect(importsOf("export type { Observable } from 'rxjs';", 'rxjs')).toBe(true);
    expect(importsOf("import { map } from 'rxjs/operators';", 'rxjs')).toBe(true);
    expect(importsOf("import {\n  Subject,\n} from 'rxjs';", 'rxjs')).toBe(true);
    expect(importsOf("import { portStreams } from '../rx/port-streams.js';", 'rxjs')).toBe(false);
    expect(importsOf("import { x } from 'rxjs-extra';", 'rxjs')).toBe(false);
    expect(importsOf("const m = await import('node-web-audio-api');", 'node-web-audio-api')).toBe(true);
    expect(staticValueImport("import { AudioContext } from 'node-web-audio-api';", 'node-web-audio-api')).toBe(true);
    expect(staticValueImport("import type { AudioContext } from 'node-web-audio-api';", 'node-web-audio-api')).toBe(
      false,
    );
  });
});
