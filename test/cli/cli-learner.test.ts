/**
 * The CLI runs what the benchmarks score (same factory call, same defaults, bit for bit), its
 * learner flags, --print-config / --config round trips, and bad values with the API's messages.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClip } from '../../bench/lib/reference-methods.js';
import { CANCELLER_METHOD, makeCanceller } from '../../bench/lib/v2-methods.js';
import { onlineGrid } from '../../bench/quality-single.js';
import { grids as singleV2Grids } from '../../bench/quality-single-v2.js';
import { writeWavFile } from '../../src/audio/write-wav-file.js';
import { defaultSpeechDir, loadSpeech } from '../../src/cli/speech.js';
import { Adamax, makeScenario, priorConfig, SINGLE_CHANNEL_DEFAULTS, singleChannelConfig } from '../../src/index.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD, readAudioFile } from '../../src/node/index.js';
import { itemSettings } from '../../src/replay/replay-item-settings.js';
import { runCli } from './helpers.js';

let dir: string;
const files: Record<number, { noisy: string; ref: string; primary: Float32Array; reference: Float32Array }> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-cli-learner-'));
  for (const rate of [16000, 48000]) {
    const speech = await loadSpeech(defaultSpeechDir()!, rate);
    const sc = makeScenario({
      seed: 5,
      split: 'test',
      index: 1,
      speech,
      sampleRate: rate,
      track: 'reference',
      durationSec: 2,
    });
    const noisy = join(dir, `noisy-${rate}.wav`);
    const ref = join(dir, `noisy-${rate}.ref.wav`);
    await writeWavFile(noisy, [sc.primary], rate, { format: 'float32' });
    await writeWavFile(ref, [sc.reference!], rate, { format: 'float32' });
    files[rate] = { noisy, ref, primary: sc.primary, reference: sc.reference! };
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

async function denoise(args: string[]): Promise<Float32Array> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.wav`);
  const r = await runCli(['denoise', ...args, '-o', out, '--format', 'float32']);
  expect(r.code, r.stderr).toBe(0);
  return (await readAudioFile(out)).channels[0]!;
}

async function printConfig(args: string[]): Promise<string> {
  const r = await runCli(['denoise', ...args, '--print-config']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('the CLI runs exactly what the benchmarks score', () => {
  it.each([16000, 48000])(
    'reference canceller at %i Hz: CLI output = the benchmark construction, bit for bit',
    async (rate) => {
      const f = files[rate]!;
      const cli = await denoise([f.noisy, '-r', f.ref]);
      const bench = runClip(makeCanceller(rate, CANCELLER_METHOD.seedConfig!), f.primary, f.reference);
      expect(cli.length).toBe(f.primary.length);
      expect(same(cli, bench)).toBe(true);
    },
  );

  it('--model online: the benchmark grid contains its defaults, and the CLI output = that grid point, bit for bit', async () => {
    const point = onlineGrid().find(
      (c) => JSON.stringify(singleChannelConfig(c.overrides)) === JSON.stringify(singleChannelConfig()),
    );
    expect(point, 'the benchmark scores the default configuration').toBeDefined();
    const f = files[16000]!;
    const cli = await denoise([f.noisy, '--model', 'online']);
    expect(same(cli, await point!.run(f.primary, 16000, new Map()))).toBe(true);
  });

  it.each([16000, 48000])(
    'single-channel default at %i Hz: the speech prior, CLI output = the v2 benchmark grid point of the defaults, bit for bit',
    async (rate) => {
      expect(DEFAULT_SINGLE_CHANNEL_METHOD).toBe('prior');
      const d = SINGLE_CHANNEL_DEFAULTS.prior;
      const label = `floor ${d.gainFloorDb} dB, lr ${d.adaptation.learningRate}`;
      const point = singleV2Grids(false)
        .find(([m]) => m === 'prior+adapt')![1]
        .find((c) => c.label === label);
      expect(point, 'the v2 benchmark scores the default configuration').toBeDefined();
      const f = files[rate]!;
      const cli = await denoise([f.noisy]);
      const bench = await point!.run(f.primary, rate, new Map());
      expect(cli.length).toBe(f.primary.length);
      expect(same(cli, bench)).toBe(true);
      // the streamed run (no flag needs the whole file) and the whole-file run (--clean) agree too
      expect(same(await denoise([f.noisy, '--clean', f.noisy]), bench)).toBe(true);
    },
  );
});

describe('--print-config and --config', () => {
  it.each([
    [
      'reference',
      48000,
      ['--learning-rate', '0.01', '--beta2-seconds', '0.1', '--filter-ms', '48', '--ema-seconds', '0.2'],
    ],
    ['online', 16000, ['--learning-rate', '0.2', '--beta2-seconds', '0.05', '--clipnorm', '1', '--model', 'online']],
    [
      'prior (default)',
      16000,
      ['--learning-rate', '0.003', '--beta2-seconds', '0.5', '--clipnorm', '1', '--ema-seconds', '0.3'],
    ],
    [
      'prior',
      48000,
      [
        '--learning-rate',
        '0.002',
        '--beta1',
        '0.8',
        '--beta2',
        '0.99',
        '--epsilon',
        '1e-6',
        '--ema-momentum',
        '0.9',
        '--gradient-accumulation-steps',
        '2',
        '--weight-decay',
        '0.01',
        '--model',
        'prior',
      ],
    ],
  ] as const)('%s: feeding the printed config back reproduces the run bit for bit', async (kind, rate, flags) => {
    const f = files[rate]!;
    const at = (flags as readonly string[]).indexOf('--model');
    const noisy = kind === 'reference' ? [f.noisy, '-r', f.ref] : [f.noisy];
    const input = at >= 0 ? [...noisy, '--model', flags[at + 1]!] : noisy;
    const learner = at < 0 ? [...flags] : flags.filter((_, i) => i !== at && i !== at + 1);
    const json = await printConfig([...input, ...learner]);
    const cfg = JSON.parse(json);
    expect(cfg.optimizer.learning_rate).toBe(Math.fround(Number(flags[1])));
    if (kind === 'reference') expect(cfg.model.filterMs).toBe(48);
    if (kind.startsWith('prior')) {
      // the flags reach the prior's adaptation optimizer (a resolved Keras config at the file's rate)
      expect(cfg.model).toEqual({ gainFloorDb: -40, adapt: true, noiseOnlyThreshold: expect.any(Number) });
      expect(cfg.optimizer).toEqual(priorConfig(rate, { optimizer: cfg.optimizer }).optimizer);
      expect(cfg.optimizer.use_ema).toBe(true);
    }
    if (kind === 'prior') {
      expect(cfg.optimizer).toMatchObject({
        beta_1: 0.8,
        beta_2: 0.99,
        epsilon: 1e-6,
        ema_momentum: 0.9,
        gradient_accumulation_steps: 2,
        weight_decay: 0.01,
      });
    }
    if (kind === 'prior (default)') {
      // seconds → per-update decays at 16 kHz: hop 128 samples, an update every 4 hops (31.25 updates/s)
      expect(cfg.optimizer.beta_2).toBeCloseTo(Math.exp(-1 / (0.5 * 31.25)), 12);
      expect(cfg.optimizer.ema_momentum).toBeCloseTo(Math.exp(-1 / (0.3 * 31.25)), 12);
      expect(cfg.optimizer.clipnorm).toBe(1);
    }
    const file = join(dir, `${kind}.json`);
    writeFileSync(file, json);
    expect(await printConfig([...input, '--config', file])).toBe(json);
    const a = await denoise([...input, ...learner]);
    const b = await denoise([...input, '--config', file]);
    expect(same(a, b)).toBe(true);
    expect(same(a, await denoise(input))).toBe(false); // the flags did change the run
  });

  it('replay takes the same flags: --print-config and a --config run match denoise', async () => {
    const f = files[16000]!;
    const ds = join(dir, 'ds');
    mkdirSync(ds, { recursive: true });
    copyFileSync(f.noisy, join(ds, 'a.wav'));
    copyFileSync(f.ref, join(ds, 'a.ref.wav'));
    const flags = ['--learning-rate', '0.008', '--beta2', '0.95'];
    const p = await runCli(['replay', ds, '--workers', '1', ...flags, '--print-config']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe(await printConfig([f.noisy, '-r', f.ref, ...flags]));
    const cfg = join(dir, 'replay.json');
    writeFileSync(cfg, p.stdout);
    const out = join(dir, 'replay-out');
    const r = await runCli(['replay', ds, '--workers', '1', '--config', cfg, '--out', out, '--no-stoi']);
    expect(r.code, r.stderr).toBe(0);
    const single = join(dir, 'denoise-pcm16.wav');
    expect(
      (await runCli(['denoise', f.noisy, '-r', f.ref, '--config', cfg, '-o', single, '--format', 'pcm16'])).code,
    ).toBe(0);
    expect(readFileSync(join(out, 'a.denoised.wav')).equals(readFileSync(single))).toBe(true);
  });
});

describe('replay --model prior', () => {
  it("takes the learner flags: --print-config equals denoise's, and a --config run matches denoise bit for bit", async () => {
    const f = files[48000]!;
    const ds = join(dir, 'ds-prior');
    mkdirSync(ds, { recursive: true });
    copyFileSync(f.noisy, join(ds, 'a.wav'));
    const flags = ['--learning-rate', '0.002', '--beta2-seconds', '0.5', '--ema-seconds', '0.2'];
    const p = await runCli(['replay', ds, '--workers', '1', '--model', 'prior', ...flags, '--print-config']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe(await printConfig([f.noisy, ...flags]));
    const cfg = join(dir, 'replay-prior.json');
    writeFileSync(cfg, p.stdout);
    const out = join(dir, 'replay-prior-out');
    const r = await runCli([
      'replay',
      ds,
      '--workers',
      '1',
      '--model',
      'prior',
      '--config',
      cfg,
      '--out',
      out,
      '--no-stoi',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const single = join(dir, 'denoise-prior-pcm16.wav');
    expect((await runCli(['denoise', f.noisy, '--config', cfg, '-o', single, '--format', 'pcm16'])).code).toBe(0);
    expect(readFileSync(join(out, 'a.denoised.wav')).equals(readFileSync(single))).toBe(true);
    const plain = join(dir, 'denoise-prior-plain.wav');
    expect((await runCli(['denoise', f.noisy, '-o', plain, '--format', 'pcm16'])).code).toBe(0);
    expect(readFileSync(plain).equals(readFileSync(single))).toBe(false); // the flags did change the run
  });
});

describe('replay threads the learner configuration to every runner', () => {
  it('a --state written under one configuration is not resumed under another', async () => {
    const f = files[16000]!;
    const ds = join(dir, 'ds-state');
    mkdirSync(ds, { recursive: true });
    copyFileSync(f.noisy, join(ds, 'a.wav'));
    copyFileSync(f.ref, join(ds, 'a.ref.wav'));
    const state = join(dir, 'state.json');
    const base = ['replay', ds, '--workers', '1', '--no-stoi', '--state', state];
    expect((await runCli([...base, '--learning-rate', '0.01'])).code).toBe(0);
    expect((await runCli([...base, '--learning-rate', '0.01'])).stdout).toContain('1 from an earlier run');
    const r = await runCli([...base, '--learning-rate', '0.02']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was written with other settings');
  });

  it('itemSettings (local, worker threads and the Redis queue) carries both configs', () => {
    const referenceConfig = { optimizer: { learning_rate: 0.01 }, model: { filterMs: 48 } };
    const singleConfig = { optimizer: { beta_1: 0.6 } };
    expect(itemSettings({ referenceConfig, singleConfig, skipStoi: true, outDir: 'o' })).toEqual({
      outDir: 'o',
      // always recorded, resolved to the default of denoise when not given
      singleMethod: DEFAULT_SINGLE_CHANNEL_METHOD,
      skipStoi: true,
      referenceConfig,
      singleConfig,
    });
  });
});

describe('bad learner values: exit 2 with the API messages', () => {
  const apiMessage = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected the API to throw');
  };
  it.each([
    [['--beta1', '1.5'], apiMessage(() => new Adamax({ beta1: 1.5 }))],
    [['--gradient-accumulation-steps', '1'], apiMessage(() => new Adamax({ gradientAccumulationSteps: 1 }))],
    [['--epsilon=-1'], apiMessage(() => new Adamax({ epsilon: -1 }))],
    [['--ema-momentum', '2'], apiMessage(() => new Adamax({ useEma: true, emaMomentum: 2 }))],
    [['--learning-rate', 'abc'], '--learning-rate must be a number'],
    [['--beta2', '0.9', '--beta2-seconds', '1'], 'not both'],
    [['--filter-ms', '0'], '`filterMs` must be'],
    [['--beta2-seconds=-1'], '`beta2Seconds` must be a finite number > 0'],
  ])('%j', async (flags, message) => {
    const f = files[16000]!;
    const r = await runCli(['denoise', f.noisy, '-r', f.ref, '-o', join(dir, 'never.wav'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('config files: unknown sections, unknown model keys, bad JSON; learner flags on a non-Adamax model', async () => {
    const f = files[16000]!;
    const cases: [string, string][] = [
      ['{"optimizer": {}, "extra": 1}', "unknown section(s) 'extra'"],
      ['{"model": {"taps": 512}}', 'not recognized'],
      ['{"optimizer": {"beta_1": 7}}', apiMessage(() => new Adamax({ beta1: 7 }))],
      ['not json', 'is not JSON'],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'bad.json');
      writeFileSync(file, text);
      const r = await runCli(['denoise', f.noisy, '-r', f.ref, '-o', join(dir, 'never.wav'), '--config', file]);
      expect(r.code, text).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const r = await runCli([
      'denoise',
      f.noisy,
      '-o',
      join(dir, 'never.wav'),
      '--model',
      'wiener',
      '--learning-rate',
      '0.1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('need an Adamax model');
    const s = await runCli(['denoise', f.noisy, '-o', join(dir, 'never.wav'), '--filter-ms', '40']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--filter-ms');
  });
});
