import type { LiveOutput } from '../../audio/live-session.js';
import { runLive } from '../../node/index.js';
import { type Command, numberFlag, parseCommandArgs, withInterrupt } from '../io.js';
import { ProgressBar } from '../progress.js';

const HELP = `Usage: adamax-stream live [options]

Runs the real-time path: an AudioWorklet cancels noise with an adaptive FIR filter whose weights the
main thread learns with Adamax (EMA weights published to the worklet). Without --input the input is a
generated two-microphone scene played in real time, headless, and the SNR before/after is printed.
Prints the processing and weight-update latency statistics.

Options:
      --input <deviceId>    capture device (channel 0: noisy primary, channel 1: noise reference);
                            default: a generated scene
      --output <dev>        none (default: headless, paced in real time) | default | a device id
      --seconds <n>         how long to run (default 5)
      --sample-rate <hz>    context rate (default 16000)
      --json                print a JSON summary on stdout
  -h, --help                show this help`;

export const liveCommand: Command = {
  name: 'live',
  summary: 'run the real-time AudioWorklet canceller (headless generated input by default)',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      'live',
      args,
      {
        input: { type: 'string' },
        output: { type: 'string' },
        seconds: { type: 'string' },
        'sample-rate': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    const seconds = numberFlag('live', 'seconds', values.seconds, { min: 0.5, max: 3600 }) ?? 5;
    const sampleRate =
      numberFlag('live', 'sample-rate', values['sample-rate'], { integer: true, min: 8000, max: 96000 }) ?? 16000;
    const o = values.output;
    const output: LiveOutput = o === undefined || o === 'none' ? 'none' : o === 'default' ? 'default' : { deviceId: o };
    const bar = new ProgressBar('live', 1000, ctx.io.stderr);
    let s: Awaited<ReturnType<typeof runLive>>;
    try {
      s = await withInterrupt((signal) =>
        runLive({
          seconds,
          sampleRate,
          output,
          signal,
          onProgress: (f) => bar.update(f * 1000),
          ...(values.input !== undefined ? { inputDevice: values.input } : {}),
        }),
      );
    } finally {
      bar.done();
    }
    if (values.json) {
      ctx.out(JSON.stringify({ command: 'live', ...s }));
      return 0;
    }
    const l = s.updateLatencyMs;
    ctx.out(`live ${s.input} input, ${s.seconds} s at ${s.sampleRate} Hz, sink ${s.sink}`);
    if (s.snrInDb !== null) {
      ctx.out(
        `SNR (last second): ${s.snrInDb.toFixed(1)} dB in → ${s.snrOutDb === null ? 'n/a' : `${s.snrOutDb.toFixed(1)} dB`} out`,
      );
    }
    ctx.out(
      `blocks processed ${s.blocksProcessed}, missed ${s.blocksMissed}; frames learned ${s.framesLearned}; ` +
        `weight updates ${s.weightUpdates} (${s.publishDeferred} deferred); output latency ${s.latencySamples} samples`,
    );
    ctx.out(
      `weight-update latency: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms over ${l.count}`,
    );
    if (s.underrunEvents !== null) ctx.out(`underruns: ${s.underrunEvents}`);
    return 0;
  },
};
