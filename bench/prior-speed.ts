/**
 * Real-time cost of the speech-prior denoiser per hop at 48 kHz (hop 512 samples = 10.7 ms), prior
 * only and with online adaptation, against the prior-free OnlineDenoiser's hop (through `process`,
 * 16 kHz model) measured in the same run. Interleaved repetitions; median and spread.
 *
 *   node --import tsx bench/prior-speed.ts [--reps 7] [--seconds 10] [--write]
 *
 * With --write the table replaces its section of BENCHMARKS.md (with the machine's load average).
 */
import { loadavg } from 'node:os';
import { Random } from '../src/core/random.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../src/models/defaults/single-channel-defaults.js';
import { OnlineDenoiser } from '../src/models/online-denoiser.js';
import { PriorDenoiser } from '../src/models/prior-denoiser.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';

const args = process.argv.slice(2);
const num = (flag: string, d: number): number => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : d);
const reps = num('--reps', 7);
const seconds = num('--seconds', 10);
const fs = 48000;
const rng = new Random(5);
const x = Float32Array.from(
  { length: seconds * fs },
  (_, i) => 0.05 * rng.gaussian() + 0.1 * Math.sin(i / 17) * (i % 24000 < 12000 ? 1 : 0),
);

function streamCost(adapt: boolean): number {
  const stream = new PriorDenoiser({
    ...SINGLE_CHANNEL_DEFAULTS.prior,
    ...(adapt ? {} : { adaptation: null }),
  }).createStream(fs);
  const h = stream.hop;
  const frame = new Float32Array(h);
  const out = new Float32Array(h);
  const hops = Math.floor(x.length / h);
  const t0 = performance.now();
  for (let f = 0; f < hops; f++) {
    for (let i = 0; i < h; i++) frame[i] = x[f * h + i]!;
    stream.process(frame, out);
  }
  return (performance.now() - t0) / 1000 / (hops * (h / fs)); // share of real time
}

function onlineCost(): number {
  const t0 = performance.now();
  new OnlineDenoiser(SINGLE_CHANNEL_DEFAULTS.online).process(x, fs);
  return (performance.now() - t0) / 1000 / seconds;
}

const runs: Record<string, number[]> = {
  'prior only': [],
  'prior + adaptation': [],
  'online denoiser (process, 48→16→48 kHz)': [],
};
streamCost(true); // warm-up
for (let r = 0; r < reps; r++) {
  runs['prior only']!.push(streamCost(false));
  runs['prior + adaptation']!.push(streamCost(true));
  runs['online denoiser (process, 48→16→48 kHz)']!.push(onlineCost());
}
const med = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const L: string[] = [];
L.push('## Speech-prior denoiser: real-time cost per hop at 48 kHz');
L.push('');
L.push(
  `Command: \`node --import tsx bench/prior-speed.ts --reps ${reps} --seconds ${seconds} --write\` — hop 512 (10.7 ms), ${seconds} s of audio × ${reps} interleaved repetitions, one thread; load average at the end ${loadavg()[0]!.toFixed(1)} on ${'this machine'} (other jobs share the cores, so absolute figures are pessimistic; the ratio to the online denoiser is measured in the same run).`,
);
L.push('');
L.push('| method | median % of real time | min–max % |');
L.push('|---|---|---|');
for (const [k, v] of Object.entries(runs)) {
  L.push(
    `| ${k} | ${(100 * med(v)).toFixed(2)} | ${(100 * Math.min(...v)).toFixed(2)}–${(100 * Math.max(...v)).toFixed(2)} |`,
  );
}
console.log(L.join('\n'));
if (args.includes('--write')) console.log(`\nwrote ${writeMarkedSection('prior-speed', L.join('\n'))}`);
