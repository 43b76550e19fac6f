import { IssueCollector, pyRepr } from '../core/validate.js';
import type { AdamaxBackend, AdamaxHyperParameters, PowfFlavour } from './adamax-core.js';
import { LearningRate, type LearningRateInput } from './learning-rate.js';

/**
 * Options of {@link Adamax}: every argument of Keras' `optimizer_adamax()`, camel-cased.
 * `null`/`undefined` means "not set"; as in Keras, `0` (or a negative clip value) switches
 * clipping, accumulation and EMA overwriting off.
 */
export interface AdamaxOptions {
  /** Number, schedule, or zero-argument function. Default 0.001. */
  readonly learningRate?: LearningRateInput;
  /** Exponential decay rate of the first moment. Default 0.9. */
  readonly beta1?: number;
  /** Exponential decay rate of the infinity norm. Default 0.999. */
  readonly beta2?: number;
  /** Added to the infinity norm. Default 1e-7. */
  readonly epsilon?: number;
  /** Decoupled weight decay `w ← w − w·wd·lr` (AdamW style). Default off. */
  readonly weightDecay?: number | null;
  /** Per-variable gradient norm clip. */
  readonly clipnorm?: number | null;
  /** Elementwise gradient clip to [−v, v]. */
  readonly clipvalue?: number | null;
  /** Clip of the global norm over all gradients. */
  readonly globalClipnorm?: number | null;
  /** Keep an exponential moving average of the weights. Default false. */
  readonly useEma?: boolean;
  /** EMA momentum in [0, 1]. Default 0.99. */
  readonly emaMomentum?: number;
  /** Every this many real steps, overwrite the weights with their EMA. Default never. */
  readonly emaOverwriteFrequency?: number | null;
  /** Optimizer name (Keras auto-names `adamax`, `adamax_1`, …). */
  readonly name?: string | null;
  /** Static loss scale: gradients are divided by it before anything else. */
  readonly lossScaleFactor?: number | null;
  /** Accumulate this many micro-steps (≥ 2) into one real update. 0/null = off. */
  readonly gradientAccumulationSteps?: number | null;
  /** Receives warnings (Keras `UserWarning`s). Default: `process.emitWarning`, once per distinct message. */
  readonly onWarning?: (message: string) => void;
  /**
   * Not a Keras argument: the kernel of the elementwise update, `'auto'` (default: WebAssembly
   * SIMD when available), `'wasm'` or `'js'`. Results are bit-identical; only speed differs.
   */
  readonly backend?: AdamaxBackend;
  /**
   * Not a Keras argument: which float32 power computes the bias correction β1^t, so as to match the
   * host Keras ran on (NumPy picks by CPU; results differ by 1 ulp of β1^t at some steps).
   * `'libm'` (default): glibc's `powf`, NumPy's choice on CPUs without AVX-512.
   * `'svml'`: Intel SVML's `powf16`, NumPy's choice on CPUs with AVX-512.
   */
  readonly powf?: PowfFlavour;
  /** Accepted and ignored with a warning, as in Keras 3. */
  readonly decay?: number | null;
}

export const ADAMAX_DEFAULTS = Object.freeze({
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  emaMomentum: 0.99,
});

const KNOWN = new Set([
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  'weightDecay',
  'clipnorm',
  'clipvalue',
  'globalClipnorm',
  'useEma',
  'emaMomentum',
  'emaOverwriteFrequency',
  'name',
  'lossScaleFactor',
  'gradientAccumulationSteps',
  'onWarning',
  'decay',
  'backend',
  'powf',
]);

export interface ResolvedAdamaxOptions {
  readonly hp: AdamaxHyperParameters;
  readonly learningRate: LearningRate;
  readonly name: string | null;
  readonly backend: AdamaxBackend;
  readonly warnings: string[];
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Validates options with Keras 3's constructor rules and messages, plus finite-number checks
 * that Keras lacks. Collects every problem and throws one `InvalidOptionError`.
 */
export function resolveAdamaxOptions(options: AdamaxOptions): ResolvedAdamaxOptions {
  const c = new IssueCollector();
  if (typeof options !== 'object' || options === null) {
    c.add('options', `Adamax options must be an object. Received: ${pyRepr(options)}`);
    c.throwIfAny();
  }
  c.unknownKeys(options, KNOWN);
  const o = options as Record<string, unknown>;
  const lrInput = (o.learningRate ?? ADAMAX_DEFAULTS.learningRate) as LearningRateInput;
  const lrProblem = LearningRate.validate(lrInput);
  if (lrProblem) c.add('learningRate', lrProblem);
  checkMoments(c, o);
  checkClipsAndScaling(c, o);
  checkEma(c, o);
  checkHostOptions(c, o);
  c.throwIfAny();
  const warnings: string[] = [];
  if (isSet(o.decay)) warnings.push('Argument `decay` is no longer supported and will be ignored.');
  return {
    hp: hyperParameters(o),
    learningRate: new LearningRate(lrInput),
    name: (o.name as string | null | undefined) ?? null,
    backend: (o.backend as AdamaxBackend | undefined) ?? 'auto',
    warnings,
  };
}

/** β1, β2 in [0, 1] (β1 < 1) and ε ≥ 0, finite. */
function checkMoments(c: IssueCollector, o: Record<string, unknown>): void {
  c.inRange('beta1', o.beta1, 0, 1);
  if (o.beta1 === 1) {
    // 1 − β1^t = 0: every update would divide by zero.
    c.add('beta1', '`beta1` must be < 1 (the bias correction 1 − beta1^t would be 0). Received: beta1=1');
  }
  c.inRange('beta2', o.beta2, 0, 1);
  c.finite('epsilon', o.epsilon, true);
  if (typeof o.epsilon === 'number' && o.epsilon < 0) {
    c.add('epsilon', `\`epsilon\` must be >= 0. Received: epsilon=${pyRepr(o.epsilon)}`);
  }
}

/** Weight decay and the clips finite, at most one clip, loss scale > 0, accumulation an integer ≥ 2. */
function checkClipsAndScaling(c: IssueCollector, o: Record<string, unknown>): void {
  for (const k of ['weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm']) c.finite(k, o[k], true);
  const clips = ['clipnorm', 'clipvalue', 'globalClipnorm'].filter((k) => isSet(o[k]));
  if (clips.length > 1) {
    c.add(
      clips.join(','),
      `Only one of \`clipnorm\`, \`clipvalue\` and \`globalClipnorm\` can be set. Received: clipnorm=${pyRepr(o.clipnorm)}, clipvalue=${pyRepr(o.clipvalue)}, globalClipnorm=${pyRepr(o.globalClipnorm)}`,
    );
  }
  if (isSet(o.lossScaleFactor) && c.finite('lossScaleFactor', o.lossScaleFactor, true)) {
    if ((o.lossScaleFactor as number) <= 0) {
      c.add(
        'lossScaleFactor',
        `\`lossScaleFactor\` must be > 0. Received: lossScaleFactor=${pyRepr(o.lossScaleFactor)}`,
      );
    }
  }
  const gas = o.gradientAccumulationSteps;
  if (isSet(gas) && gas !== 0) {
    if (typeof gas !== 'number' || !(gas >= 2) || !Number.isSafeInteger(gas)) {
      c.add(
        'gradientAccumulationSteps',
        `\`gradientAccumulationSteps\` must be an integer >= 2. Received: gradientAccumulationSteps=${pyRepr(gas)}`,
      );
    }
  }
}

/** `useEma` a boolean; with EMA on, momentum in [0, 1] and the overwrite frequency an integer ≥ 1. */
function checkEma(c: IssueCollector, o: Record<string, unknown>): void {
  c.boolean('useEma', o.useEma);
  if (o.useEma !== true) return;
  const mom = o.emaMomentum ?? ADAMAX_DEFAULTS.emaMomentum;
  if (typeof mom !== 'number' || !(mom >= 0 && mom <= 1)) {
    c.add('emaMomentum', `\`emaMomentum\` must be in the range [0, 1]. Received: emaMomentum=${pyRepr(mom)}`);
  }
  const freq = o.emaOverwriteFrequency;
  if (isSet(freq) && freq !== 0) {
    if (typeof freq !== 'number' || !Number.isInteger(freq) || freq < 1) {
      c.add(
        'emaOverwriteFrequency',
        `\`emaOverwriteFrequency\` must be an integer >= 1 or None. Received: emaOverwriteFrequency=${pyRepr(freq)}`,
      );
    }
  }
}

/** The options that are not hyper-parameters: name, warning sink, kernel backend, powf flavour. */
function checkHostOptions(c: IssueCollector, o: Record<string, unknown>): void {
  c.string('name', o.name);
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    c.add('onWarning', `\`onWarning\` must be a function. Received: onWarning=${pyRepr(o.onWarning)}`);
  }
  if (o.backend !== undefined && o.backend !== 'auto' && o.backend !== 'wasm' && o.backend !== 'js') {
    c.add('backend', `\`backend\` must be one of 'auto', 'wasm', 'js'. Received: backend=${pyRepr(o.backend)}`);
  }
  if (o.powf !== undefined && o.powf !== 'libm' && o.powf !== 'svml') {
    c.add('powf', `\`powf\` must be one of 'libm', 'svml'. Received: powf=${pyRepr(o.powf)}`);
  }
}

/** The validated hyper-parameters with the defaults filled in (unset optional ones are null). */
function hyperParameters(o: Record<string, unknown>): AdamaxHyperParameters {
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    beta1: num(o.beta1) ?? ADAMAX_DEFAULTS.beta1,
    beta2: num(o.beta2) ?? ADAMAX_DEFAULTS.beta2,
    epsilon: num(o.epsilon) ?? ADAMAX_DEFAULTS.epsilon,
    weightDecay: num(o.weightDecay),
    clipnorm: num(o.clipnorm),
    clipvalue: num(o.clipvalue),
    globalClipnorm: num(o.globalClipnorm),
    useEma: o.useEma === true,
    emaMomentum: num(o.emaMomentum) ?? ADAMAX_DEFAULTS.emaMomentum,
    emaOverwriteFrequency: num(o.emaOverwriteFrequency),
    lossScaleFactor: num(o.lossScaleFactor),
    gradientAccumulationSteps: num(o.gradientAccumulationSteps) || null,
    powf: (o.powf as PowfFlavour | undefined) ?? 'libm',
  };
}
