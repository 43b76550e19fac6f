/**
 * Mutation sample of src/optim and src/rx: applies each of the 20 mutations below on its own (flip
 * an operator, change a constant, drop a statement), runs the optimizer and stream test files, and
 * counts the mutants the suite kills (a failing run). Every mutation's `from` text must occur exactly
 * once in its file; the file is restored after each run, also on interruption.
 *
 * Run: node --import tsx scripts/mutation-sample.ts [--only N]   (about 20 × 30 s on 2 cores)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

interface Mutation {
  file: string;
  from: string;
  to: string;
  what: string;
}

const MUTATIONS: Mutation[] = [
  {
    file: 'src/optim/adamax-core.ts',
    from: 'Math.max(norm, c)',
    to: 'Math.min(norm, c)',
    what: 'clipnorm denominator max → min',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'this.c1 = f32(1 - hp.beta1);',
    to: 'this.c1 = f32(1 + hp.beta1);',
    what: '1 − β1 → 1 + β1',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'if ((raw + 1) % this.accSteps !== 0) {',
    to: 'if (raw % this.accSteps !== 0) {',
    what: 'accumulation boundary off by one',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'const mom = k !== 0 ? this.emaMomentum : 0;',
    to: 'const mom = this.emaMomentum;',
    what: 'EMA first-step momentum 0 dropped',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'if (freq && (k + 1) % freq === 0)',
    to: 'if (freq && k % freq === 0)',
    what: 'EMA overwrite frequency off by one',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'params[i] = f32(params[i]! - f32(f32(params[i]! * wd) * lr));',
    to: 'params[i] = f32(params[i]! + f32(f32(params[i]! * wd) * lr));',
    what: 'weight decay sign',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'const kden = f32(1 - b1p);',
    to: 'const kden = f32(1 - b1p * 0.5);',
    what: 'bias correction constant',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'grads[i] = x < -v ? -v : x > v ? v : x;',
    to: 'grads[i] = x < -v ? v : x > v ? v : x;',
    what: 'clipvalue lower bound sign',
  },
  {
    file: 'src/optim/adamax-core.ts',
    from: 'Math.min(f32(1 / norm), this.invGlobalClip)',
    to: 'Math.max(f32(1 / norm), this.invGlobalClip)',
    what: 'global clip min → max',
  },
  {
    file: 'src/optim/loss-scale-optimizer.ts',
    from: 'this.scale = f32(this.scale * 2);',
    to: 'this.scale = f32(this.scale * 4);',
    what: 'loss-scale growth factor',
  },
  {
    file: 'src/optim/loss-scale-optimizer.ts',
    from: 'if (this.counter === this.dynamicGrowthSteps - 1) {',
    to: 'if (this.counter === this.dynamicGrowthSteps) {',
    what: 'loss-scale growth period off by one',
  },
  {
    file: 'src/optim/schedules/exponential-decay.ts',
    from: 'if (this.staircase) p = Math.floor(p);',
    to: 'if (this.staircase) p = Math.ceil(p);',
    what: 'staircase floor → ceil',
  },
  {
    file: 'src/optim/schedules/piecewise-constant-decay.ts',
    from: 'if (step <= b[0]!) return v[0]!;',
    to: 'if (step < b[0]!) return v[0]!;',
    what: 'piecewise boundary <= → <',
  },
  {
    file: 'src/optim/finite-step.ts',
    from: 'if (x - x !== 0) return i;',
    to: 'if (x !== x) return i;',
    what: 'non-finite check misses ±Infinity',
  },
  { file: 'src/rx/frames.ts', from: 'filled = keep;', to: 'filled = 0;', what: 'frame overlap lost' },
  {
    file: 'src/rx/smoothed-model.ts',
    from: 'if (sinceLast < every) return;',
    to: 'if (sinceLast <= every) return;',
    what: 'snapshot period off by one',
  },
  {
    file: 'src/rx/save-checkpoints.ts',
    from: 'if (event.step % every === 0) {',
    to: 'if (event.step % every === 1) {',
    what: 'checkpoint period phase',
  },
  {
    file: 'src/rx/internal/gradient-window.ts',
    from: 'a[k] = s[k]! / c;',
    to: 'a[k] = s[k]! / (c + 1);',
    what: 'window average divisor',
  },
  { file: 'src/rx/internal/frame-queue.ts', from: 'this.dropped++;', to: '', what: 'drop counter not counted' },
  {
    file: 'src/rx/internal/operate.ts',
    from: 'if (!subscriber.closed) subscriber.complete();',
    to: '',
    what: 'operators never complete',
  },
];

const TEST_FILES = ['test/optim', 'test/rx'];

const only = process.argv.includes('--only') ? Number(process.argv[process.argv.indexOf('--only') + 1]) : null;
let restore: (() => void) | null = null;
process.on('SIGINT', () => {
  restore?.();
  process.exit(130);
});

let killed = 0;
let ran = 0;
const survivors: string[] = [];
for (const [i, m] of MUTATIONS.entries()) {
  if (only !== null && i + 1 !== only) continue;
  const original = readFileSync(m.file, 'utf8');
  const count = original.split(m.from).length - 1;
  if (count !== 1) throw new Error(`mutation ${i + 1} (${m.what}): '${m.from}' occurs ${count} times in ${m.file}`);
  restore = () => writeFileSync(m.file, original);
  writeFileSync(m.file, original.replace(m.from, m.to));
  const started = Date.now();
  let r: ReturnType<typeof spawnSync>;
  try {
    r = spawnSync('npx', ['vitest', 'run', '--bail', '1', ...TEST_FILES], { encoding: 'utf8', timeout: 300_000 });
  } finally {
    restore();
    restore = null;
  }
  ran++;
  const dead = r.status !== 0;
  if (dead) killed++;
  else survivors.push(`${i + 1}. ${m.file}: ${m.what}`);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${String(i + 1).padStart(2)} ${dead ? 'killed  ' : 'SURVIVED'} ${m.file}: ${m.what} (${secs} s)`);
}
console.log(`\n${killed} of ${ran} mutants killed (${((100 * killed) / ran).toFixed(0)} %)`);
if (survivors.length > 0) console.log(`survivors:\n${survivors.join('\n')}`);
process.exitCode = killed === ran ? 0 : 1;
