import type { Subscriber } from 'rxjs';
import { AdamaxStreamError, InvalidOptionError, NonFiniteGradientError, ShapeError } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';
import { INLINE_CHECK_FLOATS } from '../../core/wasm/kernel-arena.js';
import type { AdaptiveModel, ModelState } from '../../models/adaptive-model.js';
import type { Adamax } from '../../optim/adamax.js';
import { type AdamaxCore, StepOutcome } from '../../optim/adamax-core.js';
import type { FiniteStep } from '../../optim/finite-step.js';
import { LossScaleOptimizer } from '../../optim/loss-scale-optimizer.js';
import type { Checkpoint, ModelSnapshot, NonFinitePolicy, StepEvent, StepSource, StreamOptimizer } from '../events.js';
import { restoreModelState } from './model-state.js';
import { firstNonFinite, isStreamOptimizer, loadOptimizerState } from './optimizer.js';
import { stepEvent } from './step-event.js';

/** Settings of one `learn` operator, shared by its subscriptions. */
export interface LearnSettings {
  readonly emitOutput: boolean;
  readonly finalizeOnComplete: boolean;
  readonly policy: NonFinitePolicy;
  readonly resume: Checkpoint | undefined;
}

/**
 * One subscription of `learn`: a freshly built optimizer on the model's flat layout, the model's
 * per-stream state, the counters, and the per-frame step. Built once per subscribe; a frame
 * allocates only its StepEvent (and an output copy with `emitOutput`).
 */
export class LearnRun<S extends ModelState> {
  /** False after teardown: queued frames are no longer processed. */
  live = true;
  /** Frames dropped by the live queue, if any (set by the operator). */
  droppedByQueue: () => number = () => 0;
  readonly source: StepSource;
  private readonly opt: StreamOptimizer;
  private readonly core: AdamaxCore;
  private state: S;
  private step = 0;
  private skipped = 0;
  private droppedAtStart = 0;
  private readonly lso: LossScaleOptimizer | null;
  private readonly checksFinite: boolean;
  /** The transactional step of a plain Adamax (when non-finite results are checked). */
  private readonly guard: FiniteStep | null;
  private readonly out: Float32Array;

  /** @throws when the factory does not return a fresh optimizer, or the resume checkpoint does not load */
  constructor(
    private readonly model: AdaptiveModel<S>,
    create: () => StreamOptimizer,
    private readonly settings: LearnSettings,
    private readonly subscriber: Subscriber<StepEvent>,
  ) {
    const opt = create();
    if (!isStreamOptimizer(opt)) {
      throw new InvalidOptionError([
        { option: 'optimizer', message: `The optimizer factory returned ${pyRepr(opt)}, not an optimizer.` },
      ]);
    }
    if (opt.built) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `The optimizer factory returned an already built optimizer ('${opt.name}'); learn needs a fresh one per subscription.`,
      );
    }
    this.opt = opt;
    this.core = opt.buildFlat(model.layout);
    model.initParams(this.core.params);
    this.state = model.createState();
    if (settings.resume) this.resumeFrom(settings.resume);
    this.lso = opt instanceof LossScaleOptimizer ? opt : null;
    this.checksFinite = this.lso === null && settings.policy !== 'propagate';
    this.guard = this.checksFinite ? (opt as Adamax).finiteStep : null;
    this.out = new Float32Array(model.frameSize);
    this.source = this.stepSource();
  }

  private resumeFrom(resume: Checkpoint): void {
    const { core, model } = this;
    const groups = model.layout.groups;
    loadOptimizerState(this.opt, resume.optimizer);
    for (let k = 0; k < groups.length; k++) core.params.set(resume.weights[k]!, groups[k]!.offset);
    this.state = restoreModelState(this.state, resume.model!.state);
    this.step = resume.step;
    if (resume.counters) {
      core.lastLearningRate = resume.counters.lastLearningRate;
      this.skipped = resume.counters.skipped;
      this.droppedAtStart = resume.counters.dropped;
    }
  }

  private dropped(): number {
    return this.droppedAtStart + this.droppedByQueue();
  }

  /** The `source` handle of every StepEvent: snapshots (EMA weights when present) and checkpoints. */
  private stepSource(): StepSource {
    const { core, model, opt } = this;
    const groups = model.layout.groups;
    const copyGroups = (buf: Float32Array): Float32Array[] =>
      groups.map((g) => buf.slice(g.offset, g.offset + g.length));
    return {
      optimizer: opt,
      snapshot: (): ModelSnapshot => ({
        iterations: core.iterations,
        weights: copyGroups(core.average && core.rawIterations > 0 ? core.average : core.params),
      }),
      checkpoint: (): Checkpoint => ({
        format: 'adamax-stream/checkpoint',
        version: 1,
        step: this.step,
        groups: groups.map((g) => ({ name: g.name, length: g.length })),
        weights: copyGroups(core.params),
        optimizer: opt.saveState(),
        model: { kind: model.kind, state: structuredClone(this.state) },
        counters: { lastLearningRate: core.lastLearningRate, skipped: this.skipped, dropped: this.dropped() },
      }),
    };
  }

  /** One frame: model step, optimizer step, StepEvent. Returns false once the stream is closed or errored. */
  process(frame: readonly Float32Array[]): boolean {
    const { subscriber, model } = this;
    if (!this.live || subscriber.closed) return false;
    try {
      if (!Array.isArray(frame) || frame.length < model.channels) {
        throw new ShapeError(
          `learn expects each frame to be a list of ${model.channels} Float32Array channel(s) of ${model.frameSize} samples. Received: ${pyRepr(frame)}`,
        );
      }
      const loss = model.step(this.core.params, this.state, frame, this.out, this.core.grads);
      model.postStep?.(this.core.params, this.state, this.core.grads);
      const outcome = this.optimizerStep();
      if (outcome === null) return false;
      this.emit(outcome, loss);
    } catch (e) {
      subscriber.error(e);
    }
    return !subscriber.closed;
  }

  /** The optimizer step on `core.grads` under the non-finite policy; null when it errored the stream. */
  private optimizerStep(): StepOutcome | null {
    const { core, subscriber } = this;
    if (this.lso) return this.lso.stepFlat(this.settings.policy);
    if (!this.checksFinite) return core.step();
    const error = this.settings.policy === 'error';
    const grads = core.grads;
    // the scan runs in the engine's kernels (wasm SIMD when available; the gradients live in its
    // arena), or in TypeScript when there are only a few (no call into wasm)
    const bad =
      grads.length <= INLINE_CHECK_FLOATS
        ? firstNonFinite(grads, 0, grads.length)
        : core.arena.kernels.firstNonFinite(grads.byteOffset, grads.length);
    if (bad >= 0) {
      if (!error) return StepOutcome.SkippedNonFinite;
      subscriber.error(new NonFiniteGradientError(core.rawIterations));
      return null;
    }
    const guard = this.guard!;
    const outcome = guard.step();
    if (outcome === StepOutcome.SkippedNonFinite && error) {
      subscriber.error(new NonFiniteGradientError(core.rawIterations, guard.describeRejection()));
      return null;
    }
    return outcome;
  }

  private emit(outcome: StepOutcome, loss: number): void {
    if (outcome === StepOutcome.SkippedNonFinite) this.skipped++;
    this.step++;
    const event = stepEvent(outcome, this.step, this.core, this.dropped(), this.skipped, this.source, loss);
    if (this.settings.emitOutput) event.output = this.out.slice();
    this.subscriber.next(event);
  }

  /** On completion: the EMA weights into the parameters (not before the first micro-step: the average starts at zeros). */
  finish(): void {
    if (this.settings.finalizeOnComplete && this.core.rawIterations > 0) this.opt.finalizeVariableValues();
  }
}
