import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type PriorConfig, priorConfig } from '../../models/prior-config.js';
import { type ReferenceCancellerConfig, referenceCancellerConfig } from '../../models/reference-canceller-config.js';
import { type SingleChannelConfig, singleChannelConfig } from '../../models/single-channel-config.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../../models/single-channel-method.js';
import {
  cancelWithReference,
  denoiseSingleChannel,
  downmix,
  isAbortError,
  type PipelineResult,
  REFERENCE_METHODS,
  type ReferenceMethod,
  SINGLE_CHANNEL_METHODS,
  type SingleChannelMethod,
  toRate,
  writeAudioFile,
} from '../../node/index.js';
import { type CheckpointSession, openCheckpointSession } from '../checkpoint-session.js';
import { checkOutputExtension, type DenoiseInputs, readDenoiseInputs } from '../denoise-inputs.js';
import { denoiseStreaming } from '../denoise-stream.js';
import {
  CliInterrupted,
  CliUsageError,
  type Command,
  type CommandContext,
  choiceFlag,
  fmtDb,
  fmtDelta,
  numberFlag,
  type ParsedFlags,
  parseCommandArgs,
  withInterrupt,
} from '../io.js';
import {
  checkLearnerFlags,
  LEARNER_FLAGS,
  LEARNER_HELP,
  type LearnerFlags,
  parseLearnerFlags,
  priorOverrides,
  referenceOverrides,
  singleOverrides,
  usageOnInvalid,
} from '../learner-flags.js';
import { ProgressBar } from '../progress.js';
import { checkReportPath, toRunReport, writeReport } from '../report-files.js';

const MODELS = [...SINGLE_CHANNEL_METHODS, ...REFERENCE_METHODS] as const;

const HELP = `Usage: adamax-stream denoise <input> --output <file.wav> [options]

Denoises a recording. With --reference, reference-based noise cancellation (a second microphone
that hears the noise); without, the single-channel denoiser: by default the learned speech prior
that adapts online (--model prior; --model online is the prior-free fallback). The defaults need
no tuning.
The output WAV has the input's sample rate and length (mono: a multichannel input is downmixed).

Options:
  -o, --output <file>       output WAV (required)
  -r, --reference <file>    noise reference recording (enables reference cancellation)
  -c, --clean <file>        clean track: prints SI-SDR / SNR / STOI before and after
      --report <file>       .html: self-contained HTML report (+ the same numbers as .json next to it);
                            .json: the JSON only
      --model <name>        prior | online | wiener | rnnoise (single-channel; default prior; rnnoise
                            needs the optional package @jitsi/rnnoise-wasm),
                            fd-adamax | nlms (with --reference; default fd-adamax)
      --format <f>          pcm16 | float32 (default: the input's if it is a 16-bit or float WAV, else pcm16)
      --change-time <s>     known time of a noise change in seconds (report marks, T10). Default: from a
                            scenario.json next to the input whose "noisy" names the input, if any
      --checkpoint <file>   save the learner state every few seconds of audio and resume from it after a
                            crash or Ctrl-C (prior and online models; removed when the run completes)
      --checkpoint-every <n> frames between checkpoints (default ≈ 5 s of audio)
      --json                print a JSON summary on stdout (with the exact learner configuration)
  -h, --help                show this help

${LEARNER_HELP}

Exit codes: 0 ok, 1 runtime failure, 2 usage error, 130 interrupted.`;

interface ScenarioSidecar {
  readonly noisy?: string;
  readonly changeTimeSec?: number;
}

/** The change time from `<dir>/scenario.json` when it describes this input. */
function sidecarChangeTime(input: string): number | undefined {
  const p = join(dirname(input), 'scenario.json');
  if (!existsSync(p)) return undefined;
  try {
    const s = JSON.parse(readFileSync(p, 'utf8')) as ScenarioSidecar;
    if (s.noisy === basename(input) && typeof s.changeTimeSec === 'number') return s.changeTimeSec;
  } catch {
    // not ours: ignore
  }
  return undefined;
}

const FLAGS = {
  output: { type: 'string', short: 'o' },
  reference: { type: 'string', short: 'r' },
  clean: { type: 'string', short: 'c' },
  report: { type: 'string' },
  model: { type: 'string' },
  format: { type: 'string' },
  'change-time': { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...LEARNER_FLAGS,
} as const;

type DenoiseValues = ParsedFlags<typeof FLAGS>;

/** What one `denoise` run does, from its flags, checked for usage errors. */
interface DenoisePlan {
  readonly args: string[];
  readonly values: DenoiseValues;
  readonly input: string;
  readonly learner: LearnerFlags;
  readonly method: SingleChannelMethod | ReferenceMethod;
  /** Whether the method learns with Adamax (the learner flags apply; for the prior: its online adaptation). */
  readonly learns: boolean;
  readonly withReference: boolean;
  readonly format: 'pcm16' | 'float32' | undefined;
  readonly changeFlag: number | undefined;
  readonly every: number | undefined;
}

/** A plan with its inputs read and its learner configuration resolved. */
interface DenoiseRun extends DenoisePlan {
  readonly inputs: DenoiseInputs;
  readonly config: SingleChannelConfig | PriorConfig | ReferenceCancellerConfig | null;
  readonly output: string;
  readonly changeTime: number | undefined;
}

export const denoiseCommand: Command = {
  name: 'denoise',
  summary: 'denoise a recording (single-channel, or with a noise reference)',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs('denoise', args, FLAGS, {
      min: 1,
      max: 1,
      names: 'the <input> file',
    });
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    const plan = await planDenoise(args, values, positionals[0]!);
    if (values.output !== undefined && !plan.learner.printConfig && !plan.withReference) {
      const streamed = await denoiseStreaming(
        {
          input: plan.input,
          output: values.output,
          method: plan.method,
          config:
            plan.method === 'online'
              ? usageOnInvalid('denoise', () => singleChannelConfig(singleOverrides('denoise', plan.learner)))
              : undefined,
          prior: priorOverrides('denoise', plan.learner),
          format: plan.format,
          needsWholeFile: [values.clean, values.reference, values.report, values.checkpoint].some(
            (v) => v !== undefined,
          ),
          json: values.json === true,
        },
        ctx,
      );
      if (streamed !== null) return streamed;
    }
    const inputs = await readDenoiseInputs(plan.input, values.clean, values.reference, ctx);
    const config = learnerConfig(plan, inputs.noisy.sampleRate);
    if (plan.learner.printConfig) {
      ctx.out(JSON.stringify(config, null, 2));
      return 0;
    }
    const run: DenoiseRun = {
      ...plan,
      inputs,
      config,
      output: values.output!,
      changeTime: plan.changeFlag ?? sidecarChangeTime(plan.input),
    };
    const session = values.checkpoint !== undefined ? openCheckpointSession(values.checkpoint, run.output, ctx) : null;
    try {
      return await finish(run, await runPipeline(run, ctx), session, ctx);
    } finally {
      session?.release();
    }
  },
};

/** Reads the flags into a plan; throws CliUsageError for every combination that cannot run. */
async function planDenoise(args: string[], values: DenoiseValues, input: string): Promise<DenoisePlan> {
  const learner = await parseLearnerFlags('denoise', values);
  if (values.output === undefined && !learner.printConfig) throw new CliUsageError('denoise: missing --output <file>.');
  const model = choiceFlag('denoise', 'model', values.model, MODELS);
  const format = choiceFlag('denoise', 'format', values.format, ['pcm16', 'float32'] as const);
  const changeFlag = numberFlag('denoise', 'change-time', values['change-time'], { min: 0 });
  const every = numberFlag('denoise', 'checkpoint-every', values['checkpoint-every'], { integer: true, min: 1 });
  checkReportPath('denoise', values.report);
  const withReference = values.reference !== undefined;
  if (model && withReference && !(REFERENCE_METHODS as readonly string[]).includes(model)) {
    throw new CliUsageError(`denoise: --model ${model} is single-channel; with --reference use fd-adamax or nlms.`);
  }
  if (model && !withReference && (REFERENCE_METHODS as readonly string[]).includes(model)) {
    throw new CliUsageError(`denoise: --model ${model} needs --reference <file>.`);
  }
  const method = model ?? (withReference ? 'fd-adamax' : DEFAULT_SINGLE_CHANNEL_METHOD);
  if (values.checkpoint !== undefined && method !== 'online' && method !== 'prior') {
    throw new CliUsageError(`denoise: --checkpoint works with the prior and online models only (got ${method}).`);
  }
  if (every !== undefined && values.checkpoint === undefined) {
    throw new CliUsageError('denoise: --checkpoint-every needs --checkpoint <file>.');
  }
  if (values.output !== undefined && resolve(values.output) === resolve(input)) {
    throw new CliUsageError('denoise: --output must not be the input file.');
  }
  const learns = method === 'fd-adamax' || method === 'online' || method === 'prior';
  if ((learner.any || learner.printConfig) && !learns) {
    throw new CliUsageError(
      `denoise: the learner options need an Adamax model (prior, online or fd-adamax; got ${method}).`,
    );
  }
  if (learns)
    checkLearnerFlags('denoise', learner, withReference ? 'reference' : method === 'prior' ? 'prior' : 'single');
  if (values.output !== undefined) checkOutputExtension(values.output);
  return { args, values, input, learner, method, learns, withReference, format, changeFlag, every };
}

/** The learner configuration of an Adamax method at the input's rate (null for the others). */
function learnerConfig(
  plan: DenoisePlan,
  rate: number,
): SingleChannelConfig | PriorConfig | ReferenceCancellerConfig | null {
  if (!plan.learns) return null;
  return usageOnInvalid('denoise', () => {
    if (plan.withReference) return referenceCancellerConfig(rate, referenceOverrides(plan.learner));
    if (plan.method === 'prior') return priorConfig(rate, priorOverrides('denoise', plan.learner));
    return singleChannelConfig(singleOverrides('denoise', plan.learner));
  });
}

/** Runs the pipeline (reference cancellation or single-channel) with a progress bar; Ctrl-C → CliInterrupted. */
async function runPipeline(run: DenoiseRun, ctx: CommandContext): Promise<PipelineResult> {
  const { values, method, config, every } = run;
  const { noisy, clean, reference: ref } = run.inputs;
  const rate = noisy.sampleRate;
  const bar = new ProgressBar('denoise', 1000, ctx.io.stderr);
  const common = {
    sampleRate: rate,
    ...(clean ? { clean: toRate(downmix(clean.channels), clean.sampleRate, rate) } : {}),
    ...(run.changeTime !== undefined ? { changeTime: run.changeTime } : {}),
    onProgress: (f: number) => bar.update(f * 1000),
  };
  try {
    return await withInterrupt((signal) =>
      ref
        ? cancelWithReference({
            ...common,
            signal,
            primary: noisy.channels,
            reference: ref.channels,
            referenceSampleRate: ref.sampleRate,
            method: method as ReferenceMethod,
            ...(config ? { config: config as ReferenceCancellerConfig } : {}),
          })
        : denoiseSingleChannel({
            ...common,
            signal,
            input: noisy.channels,
            method: method as SingleChannelMethod,
            ...(config && method === 'online' ? { config: config as SingleChannelConfig } : {}),
            ...(config && method === 'prior' ? { prior: config as PriorConfig } : {}),
            ...(values.checkpoint !== undefined
              ? {
                  checkpoint: {
                    path: values.checkpoint,
                    ...(every !== undefined ? { every } : {}),
                    lock: false,
                    removeWhenDone: false,
                  },
                }
              : {}),
          }),
    );
  } catch (e) {
    if (isAbortError(e)) {
      throw new CliInterrupted(
        values.checkpoint !== undefined
          ? `interrupted; run the same command again to resume from ${values.checkpoint}`
          : 'interrupted; nothing was written',
      );
    }
    throw e;
  } finally {
    bar.done();
  }
}

/** Writes the output (then drops the checkpoint), the report, and the summary (JSON or text). */
async function finish(
  run: DenoiseRun,
  result: PipelineResult,
  session: CheckpointSession | null,
  ctx: CommandContext,
): Promise<number> {
  const { values, input, output } = run;
  const { noisy } = run.inputs;
  const rate = noisy.sampleRate;
  const resumed = result.summary.resumedFromFrame;
  if (session && typeof resumed === 'number' && resumed > 0) session.resumed(resumed, result);
  const outFormat = run.format ?? noisy.wavEncoding ?? 'pcm16';
  await writeAudioFile(output, [result.output], rate, outFormat);
  // Only now that the output is durable (fsync + rename + directory fsync) may the checkpoint go.
  session?.done();
  let reportFiles: string[] = [];
  if (values.report !== undefined) {
    const report = toRunReport(result, {
      title: `adamax-stream denoise — ${basename(input)}`,
      command: ['adamax-stream', 'denoise', ...run.args].join(' '),
      inputFile: input,
      channels: noisy.channels.length,
      output,
    });
    // the audio behind the players and spectrograms: the input as the pipeline saw it and the aligned output
    reportFiles = await writeReport(values.report, report, {
      sampleRate: rate,
      input: downmix(noisy.channels),
      output: result.output,
    });
  }
  if (values.json) {
    ctx.out(
      JSON.stringify({
        command: 'denoise',
        input,
        output,
        reference: values.reference ?? null,
        clean: values.clean ?? null,
        report: reportFiles,
        mode: result.mode,
        model: result.model,
        sampleRate: rate,
        channels: noisy.channels.length,
        frames: result.output.length,
        format: outFormat,
        changeTime: run.changeTime ?? null,
        nonFiniteSamples: run.inputs.nonFiniteSamples,
        summary: result.summary,
        config: run.config,
      }),
    );
    return 0;
  }
  printSummary(run, result, ctx);
  if (reportFiles.length > 0) ctx.out(`report: ${reportFiles.join(', ')}`);
  return 0;
}

/** The human-readable summary: what was done, and the quality metrics when there is a clean track. */
function printSummary(run: DenoiseRun, result: PipelineResult, ctx: CommandContext): void {
  const { noisy } = run.inputs;
  const rate = noisy.sampleRate;
  ctx.out(
    `denoised ${run.input} → ${run.output} (${result.mode}, ${result.model}; ${(result.output.length / rate).toFixed(2)} s at ${rate} Hz` +
      `${noisy.channels.length > 1 ? `, ${noisy.channels.length} channels downmixed` : ''}; ` +
      `${result.elapsedSec.toFixed(2)} s, real-time factor ${result.realTimeFactor.toFixed(3)})`,
  );
  const m = result.metrics;
  if (!m) {
    ctx.out('no --clean track: quality metrics skipped');
    return;
  }
  ctx.out(`SI-SDR before ${fmtDb(m.siSdrIn)}, after ${fmtDb(m.siSdrOut)} (${fmtDelta(m.siSdrImprovement)})`);
  ctx.out(`SNR    before ${fmtDb(m.snrIn)}, after ${fmtDb(m.snrOut)} (${fmtDelta(m.snrOut - m.snrIn)})`);
  if (m.stoiIn !== null && m.stoiOut !== null) {
    ctx.out(`STOI   before ${m.stoiIn.toFixed(3)}, after ${m.stoiOut.toFixed(3)}`);
  }
  if (m.t10 !== null) {
    ctx.out(
      `T10 after the noise change at ${run.changeTime?.toFixed(2)} s: ${Number.isFinite(m.t10) ? `${m.t10.toFixed(2)} s` : 'never'}`,
    );
  }
}
