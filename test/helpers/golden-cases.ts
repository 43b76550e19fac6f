import {
  Adamax,
  type AdamaxBackend,
  type AdamaxOptions,
  deserializeSchedule,
  type LearningRateInput,
  LossScaleOptimizer,
  Variable,
} from '../../src/index.js';
import { flat, type GoldenNumber, type GoldenTensor, loadJson } from './golden.js';

export interface GoldenState {
  name: string;
  m: GoldenTensor;
  u: GoldenTensor;
  ema?: GoldenTensor;
  acc?: GoldenTensor;
}
export interface GoldenStep {
  step: number;
  lr_before_step: GoldenNumber;
  vars: GoldenTensor[];
  state: GoldenState[];
  iterations: number;
  raw_iterations: number;
  loss_scale?: GoldenNumber;
  step_counter?: number;
  lr_callable_calls_this_step?: number;
}
export interface GoldenCase {
  id: string;
  description: string;
  config: Record<string, unknown>;
  exclude_from_weight_decay: { var_names: string[]; var_list: string[] } | null;
  constraints: Record<string, string> | null;
  set_learning_rate_before_step: Record<string, number> | null;
  initial_vars: { name: string; shape: number[]; values: GoldenTensor }[];
  gradients_per_step: (GoldenTensor | null)[][];
  steps: GoldenStep[];
  expected_after: { vars: GoldenTensor[] };
  expected_after_finalize_variable_values?: GoldenTensor[];
  warnings: string[];
}

export const realGolden = loadJson<{
  cases: GoldenCase[];
  errors: { call: string; raises: string | null; message?: string; warnings: string[] }[];
  configs: Record<string, Record<string, unknown>>;
}>('keras-real-golden.json');

const SNAKE: Record<string, string> = {
  learning_rate: 'learningRate',
  beta_1: 'beta1',
  beta_2: 'beta2',
  weight_decay: 'weightDecay',
  global_clipnorm: 'globalClipnorm',
  use_ema: 'useEma',
  ema_momentum: 'emaMomentum',
  ema_overwrite_frequency: 'emaOverwriteFrequency',
  loss_scale_factor: 'lossScaleFactor',
  gradient_accumulation_steps: 'gradientAccumulationSteps',
};

/** Keras' `NonNeg` constraint as the golden run recorded it: negative weights become +0. */
export function nonNeg(v: Float32Array): void {
  for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i] = 0;
}

export interface Harness {
  opt: Adamax | LossScaleOptimizer;
  inner: Adamax;
  vars: Variable[];
  calls: { count: number };
}

function learningRateFrom(spec: unknown, holder: { opt?: Adamax }, calls: { count: number }): LearningRateInput {
  if (typeof spec === 'number') return spec;
  const s = spec as Record<string, unknown>;
  if (typeof s.schedule === 'string') return deserializeSchedule({ class_name: s.schedule, config: s.config });
  switch (s.callable) {
    case 'constant':
      return () => s.value as number;
    case 'count_calls':
      return () => {
        calls.count++;
        return s.value as number;
      };
    case 'halve_every_iteration':
      return () => (s.base as number) * 0.5 ** holder.opt!.iterations;
    default:
      throw new Error(`unknown lr spec ${JSON.stringify(spec)}`);
  }
}

function adamaxFrom(config: Record<string, unknown>, calls: { count: number }, backend: AdamaxBackend): Adamax {
  const holder: { opt?: Adamax } = {};
  const opts: Record<string, unknown> = { onWarning: () => {}, backend };
  for (const [k, v] of Object.entries(config)) {
    if (k === 'class') continue;
    if (k === 'learning_rate') opts.learningRate = learningRateFrom(v, holder, calls);
    else opts[SNAKE[k] ?? k] = v;
  }
  const opt = new Adamax(opts as AdamaxOptions);
  holder.opt = opt;
  return opt;
}

/** Builds the optimizer and the variables a golden case describes. */
export function setUp(c: GoldenCase, initialValues?: Float32Array[], backend: AdamaxBackend = 'auto'): Harness {
  const calls = { count: 0 };
  let opt: Adamax | LossScaleOptimizer;
  let inner: Adamax;
  if (c.config.class === 'LossScaleOptimizer') {
    inner = adamaxFrom(c.config.inner as Record<string, unknown>, calls, backend);
    opt = new LossScaleOptimizer(inner, {
      initialScale: c.config.initial_scale as number,
      dynamicGrowthSteps: c.config.dynamic_growth_steps as number,
      name: c.config.name as string,
    });
  } else {
    inner = adamaxFrom(c.config, calls, backend);
    opt = inner;
  }
  const vars = c.initial_vars.map(
    (v, i) =>
      new Variable(initialValues?.[i] ?? flat(v.values), {
        name: v.name,
        shape: v.shape,
        ...(c.constraints?.[v.name] === 'non_neg' ? { constraint: nonNeg } : {}),
      }),
  );
  if (c.exclude_from_weight_decay) {
    const e = c.exclude_from_weight_decay;
    opt.excludeFromWeightDecay({ names: e.var_names, variables: vars.filter((v) => e.var_list.includes(v.name)) });
  }
  return { opt, inner, vars, calls };
}

/** Applies micro-step `i` (0-based) of the case. */
export function applyStep(c: GoldenCase, h: Harness, i: number): void {
  const lrSet = c.set_learning_rate_before_step?.[String(i + 1)];
  if (lrSet !== undefined) h.opt.learningRate = lrSet;
  const grads = c.gradients_per_step[i]!.map((g) => (g === null ? null : flat(g)));
  h.opt.apply(grads, h.vars);
}
