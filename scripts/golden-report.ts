/**
 * Prints how many real-Keras trajectories this build reproduces bit for bit (every recorded
 * variable, m, u, EMA and accumulator value at every step), and the largest deviation.
 * Run: node --import tsx scripts/golden-report.ts
 */
import { bitEqual, flat } from '../test/helpers/golden.js';
import { realGolden, setUp } from '../test/helpers/golden-cases.js';

for (const backend of ['wasm', 'js'] as const) {
  let exact = 0;
  const inexact: string[] = [];
  let worst = 0;
  for (const c of realGolden.cases) {
    const h = setUp(c, undefined, backend);
    let ok = true;
    c.steps.forEach((rec, i) => {
      const lrSet = c.set_learning_rate_before_step?.[String(i + 1)];
      if (lrSet !== undefined) h.opt.learningRate = lrSet;
      h.opt.apply(
        c.gradients_per_step[i]!.map((g) => (g === null ? null : flat(g))),
        h.vars,
      );
      rec.vars.forEach((v, k) => {
        const e = flat(v);
        const a = h.vars[k]!.value;
        if (!bitEqual(a, e)) ok = false;
        for (let j = 0; j < e.length; j++) {
          if (Number.isFinite(e[j]!))
            worst = Math.max(worst, Math.abs(a[j]! - e[j]!) / Math.max(Math.abs(e[j]!), 1e-30));
        }
      });
      const core = h.inner.core;
      rec.state.forEach((s, k) => {
        const g = core.layout.groups[k]!;
        const view = (x: Float32Array) => x.subarray(g.offset, g.offset + g.length);
        if (!bitEqual(view(core.m), flat(s.m)) || !bitEqual(view(core.u), flat(s.u))) ok = false;
        if (s.ema !== undefined && !bitEqual(view(core.average!), flat(s.ema))) ok = false;
        if (s.acc !== undefined && !bitEqual(view(core.acc!), flat(s.acc))) ok = false;
      });
    });
    if (ok) exact++;
    else inexact.push(c.id);
  }
  console.log(
    `${backend} kernel: bit-exact on ${exact}/${realGolden.cases.length} trajectories; largest relative deviation of a variable ${worst.toExponential(2)}`,
  );
  if (inexact.length) console.log(`  not bit-exact: ${inexact.join(', ')}`);
}
