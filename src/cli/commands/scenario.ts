import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWavFile } from '../../audio/write-wav-file.js';
import { makeScenario } from '../../signal/abrupt-noise-scenario.js';
import { CliUsageError, type Command, choiceFlag, numberFlag, parseCommandArgs } from '../io.js';
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

export const scenarioCommand: Command = {
  name: 'scenario',
  summary: 'write a generated noisy scenario (noisy, clean, reference, scenario.json)',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      'scenario',
      args,
      {
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
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    if (values.out === undefined) throw new CliUsageError('scenario: missing --out <dir>.');
    const track = choiceFlag('scenario', 'track', values.track, ['reference', 'single'] as const) ?? 'reference';
    const split = choiceFlag('scenario', 'split', values.split, ['validation', 'test'] as const) ?? 'test';
    const format = choiceFlag('scenario', 'format', values.format, ['pcm16', 'float32'] as const) ?? 'float32';
    const seed = numberFlag('scenario', 'seed', values.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }) ?? 1;
    const index = numberFlag('scenario', 'index', values.index, { integer: true, min: 0 }) ?? 0;
    const seconds = numberFlag('scenario', 'seconds', values.seconds, { min: 1, max: 600 });
    const sampleRate =
      numberFlag('scenario', 'sample-rate', values['sample-rate'], { integer: true, min: 8000, max: 192000 }) ?? 16000;
    const speechDir = values.speech ?? defaultSpeechDir();
    if (speechDir === null) {
      throw new CliUsageError('scenario: cannot locate the package speech fixtures; pass --speech <dir>.');
    }
    const speech = await loadSpeech(speechDir, sampleRate);
    const sc = makeScenario({
      seed,
      split,
      index,
      speech,
      sampleRate,
      track,
      ...(seconds !== undefined ? { durationSec: seconds } : {}),
    });
    await mkdir(values.out, { recursive: true });
    const files: Record<string, string> = { noisy: 'noisy.wav', clean: 'clean.wav' };
    await writeWavFile(join(values.out, files.noisy!), [sc.primary], sampleRate, { format });
    await writeWavFile(join(values.out, files.clean!), [sc.clean], sampleRate, { format });
    if (sc.reference) {
      files.reference = 'reference.wav';
      await writeWavFile(join(values.out, files.reference), [sc.reference], sampleRate, { format });
    }
    let peak = 0;
    for (const v of sc.primary) peak = Math.max(peak, Math.abs(v));
    const meta = {
      format: 'adamax-stream/scenario',
      version: 1,
      id: sc.id,
      seed,
      split,
      index,
      track,
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
      sampleFormat: format,
    };
    const metaPath = join(values.out, 'scenario.json');
    await writeFile(`${metaPath}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(`${metaPath}.tmp`, metaPath);
    if (values.json) {
      ctx.out(JSON.stringify({ command: 'scenario', out: values.out, ...meta }));
      return 0;
    }
    ctx.out(
      `wrote ${Object.values(files).join(', ')} and scenario.json to ${values.out}: ${meta.durationSec.toFixed(2)} s at ${sampleRate} Hz, ` +
        `${track} track, ${sc.noiseBefore}${sc.noiseAfter !== sc.noiseBefore ? ` → ${sc.noiseAfter}` : ''} noise, ` +
        `change '${sc.changeKind}' at ${meta.changeTimeSec.toFixed(2)} s, input SNR ${sc.inputSnrDb.toFixed(1)} dB`,
    );
    if (peak > 1 && format === 'pcm16')
      ctx.err(`warning: the noisy track peaks at ${peak.toFixed(2)} and was clipped in pcm16`);
    return 0;
  },
};
