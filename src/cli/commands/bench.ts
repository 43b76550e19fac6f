import { noiseCancellationScenario } from '../../audio/live-scenario.js';
import { createLayout } from '../../core/param-layout.js';
import { Random } from '../../core/random.js';
import { cancelWithReference, denoiseSingleChannel } from '../../node/index.js';
import { Adamax } from '../../optim/adamax.js';
import { type Command, parseCommandArgs, table } from '../io.js';

const HELP = `Usage: adamax-stream bench [--quick] [--json]

A quick throughput check of this machine and build:
  - one Adamax step in ns per parameter for 100 000 parameters, wasm SIMD and plain JS backends;
  - the real-time factor (processing time ÷ audio duration; < 1 is faster than real time) of the
    default denoisers (single-channel speech prior, reference FD-Adamax) on 10 s of generated audio.

Options:
      --quick               fewer repetitions and 2 s of audio
      --json                print the results as JSON on stdout
  -h, --help                show this help`;

interface StepResult {
  readonly backend: string;
  readonly nsPerParam: number | null;
  readonly error?: string;
}

function timeStep(backend: 'wasm' | 'js', params: number, steps: number): StepResult {
  try {
    const core = new Adamax({ learningRate: 0.001, backend }).buildFlat(createLayout([{ name: 'w', length: params }]));
    const rng = new Random(1);
    for (let i = 0; i < params; i++) core.grads[i] = rng.gaussian();
    for (let i = 0; i < 5; i++) core.step();
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 3; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < steps; i++) core.step();
      const ns = Number(process.hrtime.bigint() - t0) / steps / params;
      best = Math.min(best, ns);
    }
    return { backend: core.backend, nsPerParam: best };
  } catch (e) {
    return { backend, nsPerParam: null, error: (e as Error).message.split('\n')[0]! };
  }
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'quick throughput check (Adamax ns/param, denoiser real-time factors)',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      'bench',
      args,
      { quick: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    const quick = values.quick === true;
    const params = 100_000;
    const steps = quick ? 50 : 300;
    const optimizer = [timeStep('wasm', params, steps), timeStep('js', params, steps)];
    const seconds = quick ? 2 : 10;
    const sampleRate = 16000;
    const scene = noiseCancellationScenario({ sampleRate, seconds, snrDb: 0, pathTaps: 64, seed: 11 });
    const single = await denoiseSingleChannel({ input: scene.primary, sampleRate, batch: 1024 });
    const reference = await cancelWithReference({
      primary: scene.primary,
      reference: scene.reference,
      sampleRate,
      batch: 1024,
    });
    const denoisers = [
      { name: 'single-channel prior (SINGLE_CHANNEL_DEFAULTS.prior)', seconds, realTimeFactor: single.realTimeFactor },
      { name: 'reference FD-Adamax (REFERENCE_DEFAULTS)', seconds, realTimeFactor: reference.realTimeFactor },
    ];
    if (values.json) {
      ctx.out(
        JSON.stringify({
          command: 'bench',
          quick,
          node: process.version,
          optimizer: optimizer.map((o) => ({ ...o, params, steps })),
          denoisers,
        }),
      );
      return 0;
    }
    ctx.out(`adamax-stream bench${quick ? ' --quick' : ''} (node ${process.version})`);
    for (const line of table([
      ['Adamax step, 100 000 params', 'ns/param'],
      ...optimizer.map((o) => [
        `  backend ${o.backend}`,
        o.nsPerParam === null ? `n/a (${o.error})` : o.nsPerParam.toFixed(3),
      ]),
    ]))
      ctx.out(line);
    ctx.out();
    for (const line of table([
      [`denoiser on ${seconds} s of generated audio at ${sampleRate} Hz`, 'real-time factor', 'x real time'],
      ...denoisers.map((d) => [`  ${d.name}`, d.realTimeFactor.toFixed(4), (1 / d.realTimeFactor).toFixed(0)]),
    ]))
      ctx.out(line);
    return 0;
  },
};
