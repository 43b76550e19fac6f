import { IssueCollector } from '../../core/validate.js';

/** Shared option checks of the schedules: known keys, finite numbers, positive decay steps. */
export function checkScheduleOptions(
  options: object,
  allowed: readonly string[],
  required: readonly string[],
  stepsKey: string,
): void {
  const c = new IssueCollector();
  if (typeof options !== 'object' || options === null) {
    c.add('options', `Schedule options must be an object. Received: ${String(options)}`);
    c.throwIfAny();
  }
  c.unknownKeys(options, new Set(allowed));
  const o = options as Record<string, unknown>;
  for (const key of allowed) {
    if (key === 'name') c.string(key, o[key]);
    else if (key === 'staircase' || key === 'cycle') c.boolean(key, o[key]);
    else if (key === 'boundaries' || key === 'values') continue;
    else c.finite(key, o[key], !required.includes(key) || key === 'warmupTarget');
  }
  const steps = o[stepsKey];
  if (typeof steps === 'number' && Number.isFinite(steps) && steps <= 0) {
    c.add(stepsKey, `Argument \`${stepsKey}\` must be > 0. Received: ${stepsKey}=${steps}`);
  }
  c.throwIfAny();
}

/** Maps a Keras snake_case config to camelCase constructor options (`decay_steps` → `decaySteps`). */
export function camelCaseKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())] = v;
  return out;
}
