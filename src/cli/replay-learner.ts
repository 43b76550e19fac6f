import { open } from 'node:fs/promises';
import { sniffSampleRate } from '../audio/sniff-sample-rate.js';
import { listDataset } from '../io/list-dataset.js';
import { type PriorOverrides, priorConfig } from '../models/prior-config.js';
import { type ReferenceCancellerOverrides, referenceCancellerConfig } from '../models/reference-canceller-config.js';
import { type SingleChannelOverrides, singleChannelConfig } from '../models/single-channel-config.js';
import { readAudioFile } from '../node/index.js';
import { CliUsageError } from './io.js';
import {
  type LearnerFlags,
  priorOverrides,
  referenceOverrides,
  singleOverrides,
  usageOnInvalid,
} from './learner-flags.js';

/** The learner configuration of a replay: overrides per track (resolved at each file's rate). */
export interface ReplayLearner {
  readonly referenceConfig?: ReferenceCancellerOverrides;
  readonly singleConfig?: SingleChannelOverrides | PriorOverrides;
}

/** The single-channel learner's configuration at `rate` (the online denoiser's, or the prior's adaptation). */
function singleResolve(method: string, overrides: SingleChannelOverrides | PriorOverrides | undefined, rate = 16000) {
  return method === 'prior'
    ? priorConfig(rate, overrides as PriorOverrides | undefined)
    : singleChannelConfig(overrides as SingleChannelOverrides | undefined);
}

/**
 * Splits the learner flags between the two tracks of a dataset. With a `model` section (from
 * --config or --filter-ms) everything applies to the track whose model it describes and the other
 * track keeps its defaults; without one the optimizer flags go to every Adamax learner in use
 * (fd-adamax for files with a reference; online, or the prior's adaptation, for the others).
 * Validated now: mistakes exit 2.
 */
export function replayLearner(
  l: LearnerFlags,
  methods: { readonly reference: string; readonly single: string },
): ReplayLearner {
  if (!l.any) return {};
  const ref = methods.reference === 'fd-adamax';
  const single = methods.single === 'online' || methods.single === 'prior';
  if (!ref && !single) {
    throw new CliUsageError(
      `replay: the learner options need an Adamax model (--reference-model fd-adamax, or --model online or prior).`,
    );
  }
  const hasModel = Object.keys(l.model).length > 0;
  const modelIsReference = hasModel && fits(() => referenceCancellerConfig(16000, { model: l.model }));
  const modelIsSingle =
    hasModel && !modelIsReference && fits(() => singleResolve(methods.single, { model: l.model } as PriorOverrides));
  if (hasModel && !modelIsReference && !modelIsSingle) {
    // neither: report the canceller's message (or the denoiser's when only it is in use)
    usageOnInvalid('replay', () =>
      ref
        ? referenceCancellerConfig(16000, { model: l.model })
        : singleResolve(methods.single, { model: l.model } as PriorOverrides),
    );
  }
  const out: { referenceConfig?: ReferenceCancellerOverrides; singleConfig?: SingleChannelOverrides | PriorOverrides } =
    {};
  if (ref && !modelIsSingle) {
    out.referenceConfig = referenceOverrides(l);
    usageOnInvalid('replay', () => referenceCancellerConfig(16000, out.referenceConfig));
  }
  if (single && !modelIsReference) {
    out.singleConfig = methods.single === 'prior' ? priorOverrides('replay', l) : singleOverrides('replay', l);
    usageOnInvalid('replay', () => singleResolve(methods.single, out.singleConfig));
  }
  return out;
}

function fits(resolve: () => unknown): boolean {
  try {
    resolve();
    return true;
  } catch {
    return false;
  }
}

/** The sample rate of a file from its header (decoding it only when the header is not a WAV). */
async function fileRate(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const rate = sniffSampleRate(buf.subarray(0, bytesRead));
    if (rate !== undefined) return rate;
  } finally {
    await fh.close();
  }
  return (await readAudioFile(path)).sampleRate;
}

/**
 * `replay --print-config`: the exact configuration of the dataset's learner. A dataset whose files
 * need more than one configuration (two tracks, or several sample rates for the canceller) is a
 * usage error naming them.
 */
export async function replayPrintConfig(
  source: string,
  learner: ReplayLearner,
  methods: { readonly reference: string; readonly single: string },
): Promise<string> {
  const items = await listDataset(source);
  const kinds = new Map<string, () => unknown>();
  for (const item of items) {
    if (item.reference) {
      if (methods.reference !== 'fd-adamax') continue;
      const rate = await fileRate(item.noisy);
      kinds.set(`reference canceller at ${rate} Hz`, () => referenceCancellerConfig(rate, learner.referenceConfig));
    } else if (methods.single === 'online') {
      kinds.set('single-channel online denoiser', () =>
        singleChannelConfig(learner.singleConfig as SingleChannelOverrides),
      );
    } else if (methods.single === 'prior') {
      // the prior's time constants are converted at each file's rate
      const rate = await fileRate(item.noisy);
      kinds.set(`speech prior at ${rate} Hz`, () => priorConfig(rate, learner.singleConfig as PriorOverrides));
    }
  }
  if (kinds.size !== 1) {
    throw new CliUsageError(
      kinds.size === 0
        ? 'replay: --print-config: no file of the dataset uses an Adamax learner.'
        : `replay: --print-config: the dataset needs ${kinds.size} configurations (${[...kinds.keys()].join('; ')}); print them per subset.`,
    );
  }
  const [resolve] = [...kinds.values()];
  return JSON.stringify(
    usageOnInvalid('replay', () => resolve!()),
    null,
    2,
  );
}
