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
import { lsOracle } from './lib/ls-oracle.js';
import { runClip } from './lib/reference-methods.js';
import { median, quantile } from './lib/reference-metrics.js';
import type { V2Split } from './lib/speech-v2.js';
import { buildClip, clipSpecs } from './lib/v2-clips.js';
import { CANCELLER_METHOD, V2_FILTER_MS, v2BlockSize } from './lib/v2-methods.js';
import { recoveryTo, scoreV2 } from './lib/v2-metrics.js';

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

interface Row {
  kind: string;
  fs: number;
  pre: number;
  rec: number;
  bound: number;
  boundS: number;
  oraclePre: number;
  oracleRec: number;
}
const rows: Row[] = [];
process.stdout.write(
  "| clip | change at (s) | canceller pre-change NR | canceller recovery | genie pre-change NR | genie NR 0–0.5 s after | genie to the canceller's target | genie to its own target | support genie pre-change NR | support genie to the canceller's target |\n|---|---|---|---|---|---|---|---|---|---|\n",
);
for (const spec of clipSpecs(split, rates, perKind, seconds).filter((s) => kinds.includes(s.kind))) {
  const sc = buildClip(spec);
  const fs = sc.sampleRate;
  const B = v2BlockSize(fs);
  const taps = Math.ceil((V2_FILTER_MS * fs) / 1000 / B) * B;
  const t0 = performance.now();
  const mine = scoreV2(sc, runClip(CANCELLER_METHOD.make(fs, CANCELLER_METHOD.seedConfig!), sc.primary, sc.reference));
  const update = Math.round((updateMs * fs) / 1000);
  const genie = scoreV2(sc, lsOracle(sc, { taps, update, loadings }));
  // the same genie told the path's support: as many taps as the longest true path (a structured genie)
  const support = Math.min(taps, Math.ceil((sc.pathMs * fs) / 1000));
  const genieS = scoreV2(sc, lsOracle(sc, { taps: support, update, loadings }));
  const w = Math.round(0.25 * fs);
  sc.changes.forEach((c, i) => {
    const bound = recoveryTo(genie.nr, fs, c.at, mine.preLevel[i] - 3);
    const boundS = recoveryTo(genieS.nr, fs, c.at, mine.preLevel[i] - 3);
    const j = Math.floor(c.at / w);
    const after = median([genie.nr[j], genie.nr[j + 1]].filter((v) => v !== undefined));
    rows.push({
      kind: sc.kind,
      fs,
      pre: mine.preLevel[i],
      rec: mine.recovery[i],
      bound,
      boundS,
      oraclePre: genie.preLevel[i],
      oracleRec: genie.recovery[i],
    });
    process.stdout.write(
      `| ${sc.kind} ${fs / 1000}k | ${(c.at / fs).toFixed(2)} | ${fmt(mine.preLevel[i], 1)} | ${fmt(mine.recovery[i])} | ${fmt(genie.preLevel[i], 1)} | ${fmt(after, 1)} | ${fmt(bound)} | ${fmt(genie.recovery[i])} | ${fmt(genieS.preLevel[i], 1)} (${support} taps) | ${fmt(boundS)} |\n`,
    );
  });
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
    const r = rows.filter((x) => x.kind === k && x.fs === fs);
    if (!r.length) continue;
    const a = r.map((x) => x.rec);
    const b = r.map((x) => x.bound);
    const bs = r.map((x) => x.boundS);
    if (met(bs)) ms++;
    if (met(a)) mc++;
    if (met(b)) mg++;
    process.stdout.write(
      `| ${k} | ${fs / 1000}k | ${fmt(median(a))} / ${fmt(quantile(a, 0.9))} | ${fmt(median(b))} / ${fmt(quantile(b, 0.9))} | ${fmt(median(bs))} / ${fmt(quantile(bs, 0.9))} | ${met(a) ? 'yes' : 'no'} | ${met(b) ? 'yes' : 'no'} | ${met(bs) ? 'yes' : 'no'} |\n`,
    );
  }
  process.stdout.write(`| **kinds meeting ≤ 0.5 / ≤ 1.5 s** | ${fs / 1000}k | | | | ${mc} | ${mg} | ${ms} |\n`);
}
