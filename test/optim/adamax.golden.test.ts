import { describe, expect, it } from 'vitest';
import type { AdamaxBackend } from '../../src/index.js';
import { bitEqual, closeTo, flat, num } from '../helpers/golden.js';
import { applyStep, type GoldenCase, realGolden, setUp } from '../helpers/golden-cases.js';

const RTOL = 1e-5;
const ATOL = 1e-6;

interface Exactness {
  /** Variables, m, u, EMA, accumulators (and the finalized values) all bit-exact. */
  state: boolean;
  /** The learning rate read before each step bit-exact. */
  lr: boolean;
}

function check(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, exact: Exactness): void {
  const problem = closeTo(actual, expected, RTOL, ATOL);
  expect(problem, label).toBeNull();
  if (!bitEqual(actual, expected)) {
    if (label.endsWith(' lr')) exact.lr = false;
    else exact.state = false;
  }
}

/** Runs a case and checks every recorded quantity at every step. Returns what was bit-exact. */
function runCase(c: GoldenCase, backend: AdamaxBackend): Exactness {
  const h = setUp(c, undefined, backend);
  h.inner.build(h.vars);
  expect(h.inner.core.backend).toBe(backend);
  const exact: Exactness = { state: true, lr: true };
  for (let i = 0; i < c.steps.length; i++) {
    const rec = c.steps[i]!;
    const lrSet = c.set_learning_rate_before_step?.[String(i + 1)];
    if (lrSet !== undefined) h.opt.learningRate = lrSet;
    if (rec.lr_callable_calls_this_step === undefined) {
      check(`step ${rec.step} lr`, [h.opt.learningRate], [num(rec.lr_before_step)], exact);
    }
    const before = h.calls.count;
    const grads = c.gradients_per_step[i]!.map((g) => (g === null ? null : flat(g)));
    h.opt.apply(grads, h.vars);
    if (rec.lr_callable_calls_this_step !== undefined) {
      expect(h.calls.count - before, `step ${rec.step} callable calls`).toBe(rec.lr_callable_calls_this_step);
    }
    rec.vars.forEach((v, k) => {
      check(`step ${rec.step} var ${c.initial_vars[k]!.name}`, h.vars[k]!.value, flat(v), exact);
    });
    const core = h.inner.core;
    rec.state.forEach((s, k) => {
      const g = core.layout.groups[k]!;
      const view = (a: Float32Array) => a.subarray(g.offset, g.offset + g.length);
      check(`step ${rec.step} ${s.name}.m`, view(core.m), flat(s.m), exact);
      check(`step ${rec.step} ${s.name}.u`, view(core.u), flat(s.u), exact);
      if (s.ema !== undefined) check(`step ${rec.step} ${s.name}.ema`, view(core.average!), flat(s.ema), exact);
      if (s.acc !== undefined) check(`step ${rec.step} ${s.name}.acc`, view(core.acc!), flat(s.acc), exact);
    });
    expect(h.opt.iterations, `step ${rec.step} iterations`).toBe(rec.iterations);
    expect(h.inner.rawIterations, `step ${rec.step} raw iterations`).toBe(rec.raw_iterations);
    if (rec.loss_scale !== undefined && 'dynamicScale' in h.opt) {
      expect(h.opt.dynamicScale, `step ${rec.step} loss scale`).toBe(num(rec.loss_scale));
      expect(h.opt.stepCounter, `step ${rec.step} step counter`).toBe(rec.step_counter);
    }
  }
  c.expected_after.vars.forEach((v, k) => {
    check(`after ${k}`, h.vars[k]!.value, flat(v), exact);
  });
  if (c.expected_after_finalize_variable_values) {
    h.opt.finalizeVariableValues(h.vars);
    c.expected_after_finalize_variable_values.forEach((v, k) => {
      check(`finalized ${k}`, h.vars[k]!.value, flat(v), exact);
    });
  }
  return exact;
}

describe.each(['wasm', 'js'] as const)(
  'Adamax (%s kernel) reproduces every real-Keras trajectory (rtol 1e-5, atol 1e-6, every step)',
  (backend) => {
    const stateExact: string[] = [];
    const lrExact: string[] = [];
    it.each(realGolden.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const e = runCase(c, backend);
      if (e.state) stateExact.push(c.id);
      if (e.lr) lrExact.push(c.id);
    });
    // The trajectories come from a host without AVX-512, where NumPy's float32 power is glibc's powf:
    // the default `powf: 'libm'`.
    it('variables and slots are bit-exact at every step on all 64 trajectories', () => {
      expect(realGolden.cases.length).toBe(64);
      expect(stateExact.sort()).toEqual(realGolden.cases.map((c) => c.id).sort());
    });
    // The learning rate too, the cosine schedules included: their cos is NumPy's float32 kernel
    // (cosfNumpy), not Math.cos rounded to float32, which is 1 ulp off at some steps.
    it('the learning-rate readout is bit-exact on all 64 trajectories', () => {
      expect(lrExact.sort()).toEqual(realGolden.cases.map((c) => c.id).sort());
    });
  },
);

describe('save at mid-run, structuredClone, load into a fresh optimizer, continue: bit-identical', () => {
  it.each(realGolden.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const n = c.steps.length;
    const cut = Math.max(1, Math.floor(n / 2));
    const full = setUp(c);
    for (let i = 0; i < n; i++) applyStep(c, full, i);

    const first = setUp(c);
    for (let i = 0; i < cut; i++) applyStep(c, first, i);
    const saved = structuredClone(first.opt.saveState());
    const values = first.vars.map((v) => v.value.slice());
    const resumed = setUp(c, values);
    resumed.opt.loadState(saved as never);
    for (let i = cut; i < n; i++) applyStep(c, resumed, i);
    resumed.vars.forEach((v, k) => {
      expect(bitEqual(v.value, full.vars[k]!.value), `var ${k}`).toBe(true);
    });
    expect(resumed.opt.iterations).toBe(full.opt.iterations);
  });
});
