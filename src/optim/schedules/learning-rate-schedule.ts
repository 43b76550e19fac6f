/** Keras-serialised form of a schedule (`keras.saving.serialize_keras_object`). */
export interface SerializedSchedule {
  readonly module: 'keras.optimizers.schedules';
  readonly class_name: string;
  readonly config: Record<string, unknown>;
  readonly registered_name: null;
}

/**
 * Base of the six Keras learning-rate schedules. A schedule is a pure function of the step
 * (the optimizer's raw micro-step counter), evaluated in float32 like Keras; its config is
 * plain JSON in Keras' snake_case form, so configs round-trip with Python.
 */
export abstract class LearningRateSchedule {
  /** Keras class name, e.g. `"ExponentialDecay"`. */
  abstract readonly className: string;
  /** The schedule's value at `step` (a float32 value). */
  abstract at(step: number): number;
  /** Constructor arguments plus `name`, in Keras' snake_case form. */
  abstract getConfig(): Record<string, unknown>;

  /** `{ module, class_name, config, registered_name }`, as Keras serialises schedules. */
  serialize(): SerializedSchedule {
    return {
      module: 'keras.optimizers.schedules',
      class_name: this.className,
      config: this.getConfig(),
      registered_name: null,
    };
  }
}
