/** `replay` trusts its state file only as far as the files on disk confirm it. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/index.js';
import { runCli } from '../cli/helpers.js';

let dir: string;
const tone = (n: number, f: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * i) / 16000) + 0.05 * Math.sin(i * 1.3));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-replay-state-'));
  mkdirSync(join(dir, 'ds'));
  writeFileSync(join(dir, 'ds', 'a.wav'), encodeWav([tone(8000, 300)], 16000, { format: 'pcm16' }));
  writeFileSync(join(dir, 'ds', 'b.wav'), encodeWav([tone(8000, 500)], 16000, { format: 'pcm16' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replay(name: string): Promise<{ code: number; stderr: string; skipped: number }> {
  const r = await runCli([
    'replay',
    join(dir, 'ds'),
    '--out',
    join(dir, `${name}-out`),
    '--state',
    join(dir, `${name}.json`),
    '--json',
    '--no-stoi',
  ]);
  return { code: r.code, stderr: r.stderr, skipped: r.code === 0 ? JSON.parse(r.stdout).skipped : -1 };
}

describe('replay state verification', () => {
  it('skips a finished file only while its output and input are unchanged', async () => {
    expect((await replay('s1')).code).toBe(0);
    expect((await replay('s1')).skipped).toBe(2);
    const out = join(dir, 's1-out', 'a.denoised.wav');
    const bytes = readFileSync(out);
    rmSync(out);
    const r1 = await replay('s1');
    expect(r1.skipped).toBe(1);
    expect(r1.stderr).toMatch(/a: finished earlier, but its output .* is missing/);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    // an altered output
    const altered = Buffer.from(bytes);
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 1;
    writeFileSync(out, altered);
    const r2 = await replay('s1');
    expect(r2.stderr).toMatch(/was altered/);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    // a changed input (content), and a touched input (mtime)
    const input = join(dir, 'ds', 'b.wav');
    const original = readFileSync(input);
    writeFileSync(input, encodeWav([tone(8000, 700)], 16000, { format: 'pcm16' }));
    const r3 = await replay('s1');
    expect(r3.skipped).toBe(1);
    expect(r3.stderr).toMatch(/b: finished earlier, but its input changed/);
    writeFileSync(input, original);
    expect((await replay('s1')).skipped).toBe(1);
    utimesSync(input, new Date(), new Date(Date.now() + 5000));
    expect((await replay('s1')).skipped).toBe(1);
    expect((await replay('s1')).skipped).toBe(2);
  });

  // biome-ignore lint/suspicious/noExplicitAny: the mutations reach into arbitrary JSON on purpose
  const bogus: [string, (s: Record<string, any>) => void][] = [
    ['version 1', (s) => (s.version = 1)],
    ['version 3', (s) => (s.version = 3)],
    ['no version', (s) => delete s.version],
    ['another format', (s) => (s.format = 'x')],
    ['finished is a list', (s) => (s.finished = [])],
    ['an entry that is a string', (s) => (s.finished.a = 'done')],
    ['an entry under another name', (s) => (s.finished.a.name = 'zzz')],
    ['an entry without fingerprint', (s) => delete s.finished.a.input],
    ['an entry with a short hash', (s) => (s.finished.a.outputSha256 = 'abc')],
    ['an entry with a text metric', (s) => (s.finished.a.siSdrOut = 'high')],
  ];
  it.each(bogus)('refuses a state file with %s (exit 1, nothing processed)', async (_name, mutate) => {
    const path = join(dir, 's1.json');
    const good = readFileSync(path, 'utf8');
    const s = JSON.parse(good);
    mutate(s);
    copyFileSync(path, `${path}.bak`);
    writeFileSync(path, JSON.stringify(s));
    const r = await replay('s1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a replay state this version understands/);
    writeFileSync(path, good);
  });
});
