import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWavFile } from '../../audio/write-wav-file.js';
import { makeScenario, type Scenario } from '../../signal/abrupt-noise-scenario.js';
import { CliUsageError, type Command, choiceFlag, numberFlag, type ParsedFlags, parseCommandArgs } from '../io.js';
import { defaultSpeechDir, loadSpeech } from '../speech.js';

const HELP = `Usage: adamax-stream scenario --out <dir> [options]

Writes a generated noisy-speech scenario with ONE abrupt noise change (level, colour, acoustic path or
noise type; the abrupt-noise benchmark generator): noisy.wav (speech + noise), clean.wav (the speech),
reference.wav (the noise reference; reference track only) and scenario.json (change time and kind,
noise types, input SNR …). The same options always give the same files.

Options:
      --out <dir>           output folder (created)
      --track <t>           reference | single (default reference)
      --seed <n>            base seed, integer (default 1)
      --index <n>           clip number for that seed (default 0)
      --split <s>           validation | test (default test)
      --seconds <s>         length in seconds, 1–600 (default: drawn in [8, 10])
      --sample-rate <hz>    sample rate (default 16000)
      --speech <dir>        folder of ≥ 4 speech WAVs (default: the package's test/fixtures/speech)
      --format <f>          pcm16 | float32 (default float32: exact samples)
      --json                print a JSON summary on stdout
  -h, --help                show this help`;

const FLAGS = {
  out: { type: 'string' },
  track: { type: 'string' },
  seed: { type: 'string' },
  index: { type: 'string' },
  split: { type: 'string' },
  seconds: { type: 'string' },
  'sample-rate': { type: 'string' },
  speech: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ScenarioValues = ParsedFlags<typeof FLAGS>;

export const scenarioCommand: Command = {
  name: 'scenario',
  summary: 'write a generated noisy scenario (noisy, clean, reference, scenario.json)',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs('scenario', args, FLAGS, { min: 0, max: 0, names: '' });
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    if (values.out === undefined) throw new CliUsageError('scenario: missing --out <dir>.');
    const o = parseScenarioFlags(values);
    const speechDir = values.speech ?? defaultSpeechDir();
    if (speechDir === null) {
      throw new CliUsageError('scenario: cannot locate the package speech fixtures; pass --speech <dir>.');
    }
    const speech = await loadSpeech(speechDir, o.sampleRate);
    const sc = makeScenario({
      seed: o.seed,
      split: o.split,
      index: o.index,
      speech,
      sampleRate: o.sampleRate,
      track: o.track,
      ...(o.seconds !== undefined ? { durationSec: o.seconds } : {}),
    });
    const files = await writeScenarioWavs(values.out, sc, o.format);
    let peak = 0;
    for (const v of sc.primary) peak = Math.max(peak, Math.abs(v));
    const meta = scenarioMeta(sc, o, files, peak);
    const metaPath = join(values.out, 'scenario.json');
    await writeFile(`${metaPath}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(`${metaPath}.tmp`, metaPath);
    if (values.json) {
      ctx.out(JSON.stringify({ command: 'scenario', out: values.out, ...meta }));
      return 0;
    }
    ctx.out(
      `wrote ${Object.values(files).join(', ')} and scenario.json to ${values.out}: ${meta.durationSec.toFixed(2)} s at ${o.sampleRate} Hz, ` +
        `${o.track} track, ${sc.noiseBefore}${sc.noiseAfter !== sc.noiseBefore ? ` → ${sc.noiseAfter}` : ''} noise, ` +
        `change '${sc.changeKind}' at ${meta.changeTimeSec.toFixed(2)} s, input SNR ${sc.inputSnrDb.toFixed(1)} dB`,
    );
    if (peak > 1 && o.format === 'pcm16')
      ctx.err(`warning: the noisy track peaks at ${peak.toFixed(2)} and was clipped in pcm16`);
    return 0;
  },
};

/** The scenario's flags with their defaults (usage errors for bad values). */
function parseScenarioFlags(values: ScenarioValues) {
  const track = choiceFlag('scenario', 'track', values.track, ['reference', 'single'] as const) ?? 'reference';
  const split = choiceFlag('scenario', 'split', values.split, ['validation', 'test'] as const) ?? 'test';
  const format = choiceFlag('scenario', 'format', values.format, ['pcm16', 'float32'] as const) ?? 'float32';
  const seed = numberFlag('scenario', 'seed', values.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }) ?? 1;
  const index = numberFlag('scenario', 'index', values.index, { integer: true, min: 0 }) ?? 0;
  const seconds = numberFlag('scenario', 'seconds', values.seconds, { min: 1, max: 600 });
  const sampleRate =
    numberFlag('scenario', 'sample-rate', values['sample-rate'], { integer: true, min: 8000, max: 192000 }) ?? 16000;
  return { track, split, format, seed, index, seconds, sampleRate };
}

type ScenarioFlags = ReturnType<typeof parseScenarioFlags>;

/** Writes noisy.wav, clean.wav (and reference.wav for the reference track) into `out`; returns the names. */
async function writeScenarioWavs(
  out: string,
  sc: Scenario,
  format: ScenarioFlags['format'],
): Promise<Record<string, string>> {
  await mkdir(out, { recursive: true });
  const files: Record<string, string> = { noisy: 'noisy.wav', clean: 'clean.wav' };
  await writeWavFile(join(out, files.noisy!), [sc.primary], sc.sampleRate, { format });
  await writeWavFile(join(out, files.clean!), [sc.clean], sc.sampleRate, { format });
  if (sc.reference) {
    files.reference = 'reference.wav';
    await writeWavFile(join(out, files.reference), [sc.reference], sc.sampleRate, { format });
  }
  return files;
}

/** The scenario.json contents. */
function scenarioMeta(sc: Scenario, o: ScenarioFlags, files: Record<string, string>, peak: number) {
  const { sampleRate } = o;
  return {
    format: 'adamax-stream/scenario',
    version: 1,
    id: sc.id,
    seed: o.seed,
    split: o.split,
    index: o.index,
    track: o.track,
    sampleRate,
    frames: sc.primary.length,
    durationSec: sc.primary.length / sampleRate,
    changeAt: sc.changeAt,
    changeTimeSec: sc.changeAt / sampleRate,
    changeKind: sc.changeKind,
    noiseBefore: sc.noiseBefore,
    noiseAfter: sc.noiseAfter,
    inputSnrDb: sc.inputSnrDb,
    pathTaps: sc.pathTaps,
    peak,
    noisy: files.noisy,
    clean: files.clean,
    reference: files.reference ?? null,
    sampleFormat: o.format,
  };
}
