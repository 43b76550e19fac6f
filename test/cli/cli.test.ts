/** The `adamax-stream` command line, run in-process through `main(argv, io)` with captured streams. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, parseWavHeader } from '../../src/index.js';
import {
  DEFAULT_SINGLE_CHANNEL_METHOD,
  denoiseSingleChannel,
  isAbortError,
  readAudioFile,
} from '../../src/node/index.js';
import { workletRequiredInCi, workletUnavailableReason } from '../audio/web-audio-unavailable-reason.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-cli-'));
  const r = await runCli([
    'scenario',
    '--out',
    join(dir, 'sc'),
    '--seconds',
    '2',
    '--seed',
    '3',
    '--track',
    'reference',
  ]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = (p: string) => parseWavHeader(new Uint8Array(readFileSync(p)), { requireWav: true })!;

describe('help and usage errors', () => {
  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`adamax-stream ${pkg.version}`);
  });

  it('prints a top-level help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['denoise', 'replay', 'scenario', 'live', 'bench']) expect(r.stdout).toContain(c);
  });
  it.each(['denoise', 'replay', 'scenario', 'live', 'bench'])('%s --help exits 0 with a usage line', async (cmd) => {
    const r = await runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: adamax-stream ${cmd}`));
    expect(r.stderr).toBe('');
  });
  it('no command: help, exit 2', async () => {
    expect((await runCli([])).code).toBe(2);
  });
  it.each([
    [['denoise', 'x.wav', '--output', 'y.wav', '--bogus']],
    [['frobnicate']],
    [['denoise', 'x.wav']],
    [['denoise', '--output', 'y.wav']],
    [['denoise', 'x.wav', '--output', 'y.wav', '--model', 'magic']],
    [['denoise', 'x.wav', '--output', 'y.wav', '--model', 'nlms']],
    [['denoise', 'x.wav', '--output', 'y.wav', '--report', 'r.pdf']],
    [['scenario', '--out', 'd', '--seconds', 'abc']],
    [['replay']],
    [['bench', 'extra']],
  ])('usage error %j: exit 2, one line on stderr', async (argv) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^adamax-stream[ :]/);
  });
  it('missing input file: exit 1, one line naming the file', async () => {
    const missing = join(dir, 'nope.wav');
    const r = await runCli(['denoise', missing, '--output', join(dir, 'o.wav')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toMatch(/^adamax-stream: .*file not found/);
  });
  it('a file that is not audio: exit 1, one line', async () => {
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, 'not audio at all');
    const r = await runCli(['denoise', bad, '--output', join(dir, 'o.wav')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
  });
});

describe('scenario', () => {
  it('writes noisy, clean, reference and scenario.json', () => {
    const sc = join(dir, 'sc');
    for (const f of ['noisy.wav', 'clean.wav', 'reference.wav', 'scenario.json'])
      expect(existsSync(join(sc, f))).toBe(true);
    const meta = JSON.parse(readFileSync(join(sc, 'scenario.json'), 'utf8'));
    expect(meta.frames).toBe(32000);
    expect(meta.changeTimeSec).toBeGreaterThan(0.5);
    expect(meta.noisy).toBe('noisy.wav');
    expect(header(join(sc, 'noisy.wav')).frames).toBe(32000);
  });
  it('single track at another rate, --json', async () => {
    const out = join(dir, 'sc22');
    const r = await runCli([
      'scenario',
      '--out',
      out,
      '--seconds',
      '1.5',
      '--track',
      'single',
      '--sample-rate',
      '22050',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.reference).toBeNull();
    expect(existsSync(join(out, 'reference.wav'))).toBe(false);
    expect(header(join(out, 'noisy.wav')).sampleRate).toBe(22050);
  });
  it('a missing speech folder is a one-line runtime error', async () => {
    const r = await runCli(['scenario', '--out', join(dir, 'x'), '--speech', join(dir, 'no-speech')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no-speech');
  });
});

describe('denoise', () => {
  it('single-channel: same length and rate as the input, metrics, HTML + JSON report, --json summary', async () => {
    const sc = join(dir, 'sc');
    const out = join(dir, 'single', 'out.wav');
    const report = join(dir, 'single', 'report.html');
    const r = await runCli([
      'denoise',
      join(sc, 'noisy.wav'),
      '--clean',
      join(sc, 'clean.wav'),
      '--output',
      out,
      '--report',
      report,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.mode).toBe('single-channel');
    expect(j.model).toBe('prior'); // the default single-channel model
    expect(typeof j.summary.siSdrIn).toBe('number');
    expect(typeof j.summary.siSdrOut).toBe('number');
    expect(j.changeTime).toBeGreaterThan(0); // from scenario.json next to the input
    const hi = header(join(sc, 'noisy.wav'));
    const ho = header(out);
    expect(ho.frames).toBe(hi.frames);
    expect(ho.sampleRate).toBe(hi.sampleRate);
    expect(ho.format).toBe('float'); // same encoding as the input
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|src="http/);
    const json = JSON.parse(readFileSync(join(dir, 'single', 'report.json'), 'utf8'));
    expect(json.mode).toBe('single-channel');
    expect(json.quality.x.length).toBeGreaterThan(0);
    expect(json.loss.x.length).toBeGreaterThan(0);
    expect(json.loss.x.length).toBeLessThanOrEqual(2000);
    expect(json.changeTimes).toHaveLength(1);
  });
  it('reference cancellation: text output with before/after SI-SDR, --report .json only, --format pcm16', async () => {
    const sc = join(dir, 'sc');
    const out = join(dir, 'ref', 'out.wav');
    const report = join(dir, 'ref', 'r.json');
    const r = await runCli([
      'denoise',
      join(sc, 'noisy.wav'),
      '--reference',
      join(sc, 'reference.wav'),
      '--clean',
      join(sc, 'clean.wav'),
      '--output',
      out,
      '--report',
      report,
      '--format',
      'pcm16',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SI-SDR before -?\d+\.\d+ dB, after -?\d+\.\d+ dB/);
    expect(r.stdout).toContain('reference, fd-adamax');
    const ho = header(out);
    expect(ho.frames).toBe(32000);
    expect(ho.format).toBe('pcm');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.mode).toBe('reference');
    expect(json.emaVsRaw.x.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'ref', 'r.html'))).toBe(false);
  });
  it('other rate and stereo input: mono output with the input rate and length', async () => {
    const src = await readAudioFile(join(dir, 'sc22', 'noisy.wav'));
    const x = src.channels[0]!;
    const stereo = join(dir, 'stereo.wav');
    writeFileSync(stereo, encodeWav([x, x.map((v) => v * 0.5)], 22050, { format: 'pcm16' }));
    const out = join(dir, 'stereo-out.wav');
    const r = await runCli(['denoise', stereo, '--output', out, '--model', 'online']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 channels downmixed');
    const h = header(out);
    expect(h.sampleRate).toBe(22050);
    expect(h.frames).toBe(x.length);
    expect(h.channels).toBe(1);
  });
  it('--checkpoint: the run completes, the checkpoint files are removed, the output equals a run without', async () => {
    const sc = join(dir, 'sc');
    const a = join(dir, 'ck', 'a.wav');
    const b = join(dir, 'ck', 'b.wav');
    const ck = join(dir, 'ck.bin');
    expect((await runCli(['denoise', join(sc, 'noisy.wav'), '--output', a])).code).toBe(0);
    const r = await runCli([
      'denoise',
      join(sc, 'noisy.wav'),
      '--output',
      b,
      '--checkpoint',
      ck,
      '--checkpoint-every',
      '10',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(ck)).toBe(false);
    expect(existsSync(`${ck}.partial`)).toBe(false);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
  });
  it('--checkpoint of the online model, resumed by the default (prior) run: exit 1 naming both models, nothing written', async () => {
    const sc = join(dir, 'sc');
    const ck = join(dir, 'ck-online.bin');
    const noisy = await readAudioFile(join(sc, 'noisy.wav'));
    const controller = new AbortController();
    const run = denoiseSingleChannel({
      input: noisy.channels,
      sampleRate: noisy.sampleRate,
      method: 'online',
      batch: 8,
      checkpoint: { path: ck, every: 8 },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toSatisfy(isAbortError);
    const out = join(dir, 'ck', 'mismatch.wav');
    const r = await runCli(['denoise', join(sc, 'noisy.wav'), '--output', out, '--checkpoint', ck]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was written by the model online\/1; this run uses prior\/1\+[0-9a-f]{16}/);
    expect(existsSync(out)).toBe(false);
    // the online model resumes it
    const ok = await runCli([
      'denoise',
      join(sc, 'noisy.wav'),
      '--output',
      out,
      '--checkpoint',
      ck,
      '--model',
      'online',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/resumed from checkpoint/);
  });
});

describe('replay', () => {
  it('processes a folder, then resumes from a state file skipping the finished file', async () => {
    const data = join(dir, 'ds');
    // two recordings: a (with a reference) and b (single-channel), from the generated scenario
    const sc = join(dir, 'sc');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(sc, 'noisy.wav'), join(data, 'a.wav'));
    copyFileSync(join(sc, 'clean.wav'), join(data, 'a.clean.wav'));
    copyFileSync(join(sc, 'reference.wav'), join(data, 'a.ref.wav'));
    copyFileSync(join(sc, 'noisy.wav'), join(data, 'b.wav'));
    copyFileSync(join(sc, 'clean.wav'), join(data, 'b.clean.wav'));
    const state = join(dir, 'replay-state.json');
    const out = join(dir, 'ds-out');
    const r1 = await runCli(['replay', data, '--out', out, '--state', state, '--json', '--no-stoi']);
    expect(r1.code, r1.stderr).toBe(0);
    const j1 = JSON.parse(r1.stdout);
    expect(j1.files.map((f: { name: string; mode: string }) => [f.name, f.mode])).toEqual([
      ['a', 'reference'],
      ['b', 'single-channel'],
    ]);
    expect(j1.aggregate.finished).toBe(2);
    expect(typeof j1.aggregate.siSdrImprovementMedian).toBe('number');
    expect(header(join(out, 'b.denoised.wav')).frames).toBe(32000);

    // Simulate an interruption after the first file: the state lists only 'a' as finished.
    const s = JSON.parse(readFileSync(state, 'utf8'));
    delete s.finished.b;
    writeFileSync(state, JSON.stringify(s));
    rmSync(join(out, 'b.denoised.wav'));
    const aTime = statSync(join(out, 'a.denoised.wav')).mtimeMs;
    const r2 = await runCli(['replay', data, '--out', out, '--state', state, '--no-stoi']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/^a\s.*\(resumed\)$/m);
    expect(r2.stdout).toContain('2/2 files done (1 from an earlier run)');
    expect(existsSync(join(out, 'b.denoised.wav'))).toBe(true);
    expect(statSync(join(out, 'a.denoised.wav')).mtimeMs).toBe(aTime); // not redone
    const s2 = JSON.parse(readFileSync(state, 'utf8'));
    expect(Object.keys(s2.finished).sort()).toEqual(['a', 'b']);
  });
  it('the default single-channel model is the one of denoise: the replay output is byte-identical to denoise --format pcm16', async () => {
    const data = join(dir, 'ds-default');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(dir, 'sc', 'noisy.wav'), join(data, 'b.wav'));
    const out = join(dir, 'ds-default-out');
    const r = await runCli(['replay', data, '--out', out, '--json', '--no-stoi', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0].model).toBe(DEFAULT_SINGLE_CHANNEL_METHOD);
    const den = join(dir, 'ds-default-denoise.wav');
    const d = await runCli(['denoise', join(data, 'b.wav'), '--output', den, '--format', 'pcm16']);
    expect(d.code, d.stderr).toBe(0);
    expect(readFileSync(join(out, 'b.denoised.wav')).equals(readFileSync(den))).toBe(true);
    // and it differs from the prior-free model's, so the comparison can fail
    const on = join(dir, 'ds-default-online.wav');
    expect(
      (await runCli(['denoise', join(data, 'b.wav'), '--output', on, '--format', 'pcm16', '--model', 'online'])).code,
    ).toBe(0);
    expect(readFileSync(on).equals(readFileSync(den))).toBe(false);
  });
  it('a --state of another single-channel model is refused naming both models; its own --model resumes it', async () => {
    const data = join(dir, 'ds-mix');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(dir, 'sc', 'noisy.wav'), join(data, 'b.wav'));
    copyFileSync(join(dir, 'sc', 'noisy.wav'), join(data, 'c.wav'));
    const out = join(dir, 'ds-mix-out');
    const state = join(dir, 'ds-mix-state.json');
    const args = ['replay', data, '--out', out, '--state', state, '--no-stoi', '--workers', '1'];
    const r1 = await runCli([...args, '--model', 'online']);
    expect(r1.code, r1.stderr).toBe(0);
    const s = JSON.parse(readFileSync(state, 'utf8'));
    expect(s.singleModel).toBe('online/1');
    delete s.finished.c;
    writeFileSync(state, JSON.stringify(s));
    const r2 = await runCli(args);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/single-channel model online\/1; this run uses prior\/1\+[0-9a-f]{16}/);
    expect(existsSync(join(out, 'c.denoised.wav'))).toBe(true); // untouched: nothing was run
    // a state written before the model was recorded (no singleModel, no singleMethod: the online default of then)
    const legacy = { ...s, settings: { ...s.settings } };
    delete legacy.singleModel;
    delete legacy.settings.singleMethod;
    writeFileSync(state, JSON.stringify(legacy));
    const r3 = await runCli(args);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/single-channel model online; this run uses prior\//);
    const r4 = await runCli([...args, '--model', 'online']);
    expect(r4.code, r4.stderr).toBe(0);
    expect(r4.stdout).toContain('2/2 files done (1 from an earlier run)');
  });
  it('reads a JSONL and a CSV manifest', async () => {
    const sc = join(dir, 'sc');
    const jsonl = join(dir, 'm.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ noisy: 'sc/noisy.wav', clean: 'sc/clean.wav' })}\n`);
    const r = await runCli(['replay', jsonl, '--json', '--no-stoi']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0].name).toBe('noisy');
    const csv = join(dir, 'm.csv');
    writeFileSync(csv, `noisy,clean,reference\n${join(sc, 'noisy.wav')},,${join(sc, 'reference.wav')}\n`);
    const r2 = await runCli(['replay', csv, '--json', '--no-stoi']);
    expect(r2.code, r2.stderr).toBe(0);
    const f = JSON.parse(r2.stdout).files[0];
    expect(f.mode).toBe('reference');
    expect(f.siSdrIn).toBeNull();
  });
  it('a failing file is reported and makes the exit code 1', async () => {
    const data = join(dir, 'ds-bad');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'broken.wav'), 'nope');
    const r = await runCli(['replay', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken');
  });
});

describe('live and bench', () => {
  it.skipIf(skipUnavailable('cli live', workletUnavailableReason, workletRequiredInCi))(
    `live --json on the generated headless input${workletUnavailableReason ? ` (skipped: ${workletUnavailableReason})` : ''}`,
    async () => {
      const r = await runCli(['live', '--seconds', '1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.input).toBe('generated');
      expect(j.blocksProcessed).toBeGreaterThan(0);
      expect(j.closed).toBe(true);
    },
    30_000,
  );
  it('bench --quick --json', async () => {
    const r = await runCli(['bench', '--quick', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.optimizer).toHaveLength(2);
    expect(j.denoisers.every((d: { realTimeFactor: number }) => d.realTimeFactor > 0)).toBe(true);
  }, 30_000);
});
