/**
 * How fast CAN a 64 ms filter recover? A least-squares genie on the abrupt-noise-v2 clips.
 *
 * For each clip, the default two-path canceller (`CANCELLER_METHOD.seedConfig`, the shipped defaults)
 * and the idealised least-squares canceller of `lsOracle` (same filter length; restarted exactly at
 * each change, best diagonal loading and best of restarted / whole-clip estimate per segment, chosen
 * with the clean speech) are scored with the benchmark's own metrics. Per change it prints:
 * the canceller's pre-change level and recovery time (the definition), and the genie's time to
 * reach the SAME target (the canceller's pre-change level − 3 dB, two 250 ms windows): the bound on the
 * recovery time of any estimator that does not exploit the path's structure, at that depth.
 *
 * Run: node --import tsx bench/v2-recovery-bound.ts [--split validation] [--rates 16000,48000] [--per-kind 1]
 *        [--seconds 8] [--update-ms 62.5] [--loadings 1e-4,1e-2] [--kinds path,tonal]
 */
import { V2_SCENE_KINDS } from '../src/signal/abrupt-noise-v2-scene.js';
import { type RecoveryBoundRow, recoveryBound } from './lib/recovery-bound.js';
import { median, quantile } from './lib/reference-metrics.js';
import type { V2Split } from './lib/speech-v2.js';
import { buildClip, clipSpecs } from './lib/v2-clips.js';
import { CANCELLER_METHOD, v2Taps } from './lib/v2-methods.js';

const argv = process.argv.slice(2);
const opt = (flag: string, d: string): string => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : d;
};
const split = opt('--split', 'validation') as V2Split;
const rates = opt('--rates', '16000,48000').split(',').map(Number);
const perKind = Number(opt('--per-kind', '1'));
const seconds = Number(opt('--seconds', '8'));
const updateMs = Number(opt('--update-ms', '62.5'));
const loadings = opt('--loadings', '1e-4,1e-2').split(',').map(Number);
const kinds = opt('--kinds', V2_SCENE_KINDS.join(',')).split(',');
const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '∞');

const rows: RecoveryBoundRow[] = [];
process.stdout.write(
  "| clip | change at (s) | canceller pre-change NR | canceller recovery | genie pre-change NR | genie NR 0–0.5 s after | genie to the canceller's target | genie to its own target | support genie pre-change NR | support genie to the canceller's target |\n|---|---|---|---|---|---|---|---|---|---|\n",
);
for (const spec of clipSpecs(split, rates, perKind, seconds).filter((s) => kinds.includes(s.kind))) {
  const sc = buildClip(spec);
  const fs = sc.sampleRate;
  const taps = v2Taps(fs);
  const t0 = performance.now();
  const canceller = CANCELLER_METHOD.make(fs, CANCELLER_METHOD.seedConfig!);
  const update = Math.round((updateMs * fs) / 1000);
  for (const r of recoveryBound(sc, canceller, { taps, update, loadings })) {
    rows.push(r);
    process.stdout.write(
      `| ${r.kind} ${fs / 1000}k | ${r.at.toFixed(2)} | ${fmt(r.pre, 1)} | ${fmt(r.rec)} | ${fmt(r.geniePre, 1)} | ${fmt(r.genieAfter, 1)} | ${fmt(r.bound)} | ${fmt(r.genieRec)} | ${fmt(r.supportPre, 1)} (${r.supportTaps} taps) | ${fmt(r.boundSupport)} |\n`,
    );
  }
  process.stderr.write(`${sc.id}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

process.stdout.write(
  "\n| kind | rate | canceller recovery median / p90 | genie to the canceller's target median / p90 | support genie median / p90 | canceller met | genie met | support genie met |\n|---|---|---|---|---|---|---|---|\n",
);
const met = (v: number[]): boolean => median(v) <= 0.5 && quantile(v, 0.9) <= 1.5;
for (const fs of rates) {
  let mc = 0;
  let mg = 0;
  let ms = 0;
  for (const k of kinds) {
    const r = rows.filter((x) => x.kind === k && x.sampleRate === fs);
    if (!r.length) continue;
    const a = r.map((x) => x.rec);
    const b = r.map((x) => x.bound);
    const bs = r.map((x) => x.boundSupport);
    if (met(bs)) ms++;
    if (met(a)) mc++;
    if (met(b)) mg++;
    process.stdout.write(
      `| ${k} | ${fs / 1000}k | ${fmt(median(a))} / ${fmt(quantile(a, 0.9))} | ${fmt(median(b))} / ${fmt(quantile(b, 0.9))} | ${fmt(median(bs))} / ${fmt(quantile(bs, 0.9))} | ${met(a) ? 'yes' : 'no'} | ${met(b) ? 'yes' : 'no'} | ${met(bs) ? 'yes' : 'no'} |\n`,
    );
  }
  process.stdout.write(`| **kinds meeting ≤ 0.5 / ≤ 1.5 s** | ${fs / 1000}k | | | | ${mc} | ${mg} | ${ms} |\n`);
}
