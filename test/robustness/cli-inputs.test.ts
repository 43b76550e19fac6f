/**
 * Strict inputs of `denoise`: every adversarial file either gives a correct run or a clear error
 * with the documented exit code (2 usage, 1 runtime), and nothing is written on an error.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/index.js';
import { runCli } from '../cli/helpers.js';

let dir: string;
const tone = (n: number, rate: number, amp = 0.3): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.05 * Math.sin(i * 1.7));
const wav = (name: string, x: Float32Array, rate = 16000, format: 'pcm16' | 'float32' = 'float32'): string => {
  const p = join(dir, name);
  writeFileSync(p, encodeWav([x], rate, { format }));
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-strict-'));
  wav('in.wav', tone(16000, 16000));
  wav('clean.wav', tone(16000, 16000, 0.25));
  wav('clean-short.wav', tone(8000, 16000, 0.25));
  wav('clean-9ms.wav', tone(16000 + 144, 16000, 0.25));
  wav('clean-11ms.wav', tone(16000 + 176, 16000, 0.25));
  wav('clean-22k.wav', tone(22050, 22050, 0.25), 22050);
  wav('ref-short.wav', tone(4000, 16000, 0.1));
  const nan = tone(16000, 16000);
  nan[100] = Number.NaN;
  nan[2000] = Number.POSITIVE_INFINITY;
  nan[3000] = Number.NEGATIVE_INFINITY;
  wav('nan.wav', nan);
  wav('all-nan.wav', new Float32Array(1600).fill(Number.NaN));
  wav('empty.wav', new Float32Array(0));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);

describe('denoise: strict inputs', () => {
  it.each(['x.flac', 'x.mp3', 'x.WAVE', 'x', 'x.wav.txt'])('-o %s is exit 2 and writes nothing', async (name) => {
    const r = await runCli(['denoise', p('in.wav'), '-o', p(name), '--model', 'wiener']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.wav/);
    expect(existsSync(p(name))).toBe(false);
  });
  it('-o x.WAV (upper case) is accepted', async () => {
    const r = await runCli(['denoise', p('in.wav'), '-o', p('upper.WAV'), '--model', 'wiener']);
    expect(r.code, r.stderr).toBe(0);
  });
  it.each([
    ['clean', 'clean-short.wav', '0.500 s', '1.000 s'],
    ['clean', 'clean-11ms.wav', '1.011 s', '1.000 s'],
    ['reference', 'ref-short.wav', '0.250 s', '1.000 s'],
  ])('--%s of another duration (%s) is exit 2 naming both durations', async (flag, file, theirs, ours) => {
    const out = p(`dur-${file}`);
    const r = await runCli(['denoise', p('in.wav'), '-o', out, `--${flag}`, p(file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(theirs);
    expect(r.stderr).toContain(ours);
    expect(existsSync(out)).toBe(false);
  });
  it('--clean within 10 ms is accepted', async () => {
    const r = await runCli([
      'denoise',
      p('in.wav'),
      '-o',
      p('d9.wav'),
      '--clean',
      p('clean-9ms.wav'),
      '--model',
      'wiener',
    ]);
    expect(r.code, r.stderr).toBe(0);
  });
  it('--clean at another sample rate is resampled, with one line on stderr', async () => {
    const r = await runCli([
      'denoise',
      p('in.wav'),
      '-o',
      p('rs.wav'),
      '--clean',
      p('clean-22k.wav'),
      '--model',
      'wiener',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /resampled/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('22050 Hz');
    expect(lines[0]).toContain('16000 Hz');
  });
  it('non-finite samples are replaced and counted on stderr and in --json', async () => {
    const r = await runCli(['denoise', p('nan.wav'), '-o', p('nan-out.wav'), '--json', '--model', 'wiener']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/replaced 3 non-finite samples/);
    expect(JSON.parse(r.stdout).nonFiniteSamples).toEqual({ input: 3, clean: 0, reference: 0 });
  });
  it.each([
    ['all-nan.wav', /NaN or Infinity/],
    ['empty.wav', /0 samples/],
  ])('%s is exit 1 with a clear message and no output', async (file, message) => {
    const out = p(`bad-${file}`);
    const r = await runCli(['denoise', p(file), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/real-time factor/);
    expect(existsSync(out)).toBe(false);
  });
});
