import { InvalidOptionError } from '../../core/errors.js';

/**
 * Decay factor per step for an exponential memory with time constant τ seconds at `stepsPerSecond`
 * updates per second: `β = exp(−1 / (τ · rate))`, so after τ seconds a value has decayed to 1/e.
 * Use it for Adamax's `beta2` (how fast the max-norm `u` forgets a loud burst; at 64-sample blocks
 * and 16 kHz the Keras default 0.999 means τ = 4 s, a stall after a loud→quiet change) and for the
 * EMA momentum.
 *
 * @example betaFromTimeConstant(0.2, 16000 / 64) // 0.9802 — u forgets with τ = 200 ms
 * @throws InvalidOptionError for a non-positive or non-finite τ or rate.
 */
export function betaFromTimeConstant(seconds: number, stepsPerSecond: number): number {
  check(seconds, stepsPerSecond, 'seconds');
  return Math.exp(-1 / (seconds * stepsPerSecond));
}

/**
 * Inverse of {@link betaFromTimeConstant}: τ = −1 / (rate · ln β) seconds (Infinity for β = 1).
 * @throws InvalidOptionError for β outside (0, 1] or a bad rate.
 */
export function timeConstantFromBeta(beta: number, stepsPerSecond: number): number {
  if (!(beta > 0 && beta <= 1)) {
    throw new InvalidOptionError([{ option: 'beta', message: `\`beta\` must be in (0, 1]. Received: beta=${beta}` }]);
  }
  check(1, stepsPerSecond, 'seconds');
  return beta === 1 ? Number.POSITIVE_INFINITY : -1 / (stepsPerSecond * Math.log(beta));
}

/** Half-life in seconds of a per-step decay β: ln 2 · τ. */
export function halfLifeFromBeta(beta: number, stepsPerSecond: number): number {
  return Math.LN2 * timeConstantFromBeta(beta, stepsPerSecond);
}

function check(seconds: number, rate: number, name: string): void {
  const issues = [];
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    issues.push({ option: name, message: `\`${name}\` must be a finite number > 0. Received: ${name}=${seconds}` });
  }
  if (!(Number.isFinite(rate) && rate > 0)) {
    issues.push({
      option: 'stepsPerSecond',
      message: `\`stepsPerSecond\` must be a finite number > 0. Received: stepsPerSecond=${rate}`,
    });
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
}
