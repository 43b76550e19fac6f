import { makeV2Scene, V2_SCENE_KINDS, type V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';
import { fixtureV2Speech, loadV2Speech, type V2Split, type VoiceBank } from './speech-v2.js';

/** One clip of the v2 benchmark, by its recipe (scenes are regenerated deterministically where needed). */
export interface V2ClipSpec {
  readonly split: V2Split;
  readonly kind: (typeof V2_SCENE_KINDS)[number];
  readonly sampleRate: number;
  readonly index: number;
  readonly seconds: number;
  /** 'synth': espeak-ng/Festival voices of the split (cache); 'fixtures': the committed fixtures (tests). */
  readonly speech: 'synth' | 'fixtures';
  /**
   * A stress variant (validation probes only): the noise at the primary is scaled by this many dB from
   * the first change on, the reference unchanged — the path's gain jumps (a source moving toward the
   * primary microphone). Absent: the scene as made.
   */
  readonly gainJumpDb?: number;
}

/** Seeds of the two splits (different streams; different voices and texts come from the speech banks). */
export const V2_SEEDS = { validation: 20261201, test: 20261202 } as const;

/** `perKind` clips of every scene kind at each rate. */
export function clipSpecs(
  split: V2Split,
  rates: readonly number[],
  perKind: number,
  seconds: number,
  speech: 'synth' | 'fixtures' = 'synth',
): V2ClipSpec[] {
  const out: V2ClipSpec[] = [];
  for (const sampleRate of rates) {
    for (const kind of V2_SCENE_KINDS) {
      for (let i = 0; i < perKind; i++) out.push({ split, kind, sampleRate, index: i, seconds, speech });
    }
  }
  return out;
}

const banks = new Map<string, VoiceBank>();

function bank(spec: V2ClipSpec): VoiceBank {
  const key = `${spec.speech}-${spec.split}-${spec.sampleRate}`;
  let b = banks.get(key);
  if (!b) {
    b =
      spec.speech === 'synth'
        ? loadV2Speech(spec.split, spec.sampleRate)
        : fixtureV2Speech(spec.split, spec.sampleRate);
    banks.set(key, b);
  }
  return b;
}

/** Builds the scene of a spec: the talker is voice (index + kind) mod voices; babble from the other voices. */
export function buildClip(spec: V2ClipSpec): V2Scene {
  const b = bank(spec);
  const k = V2_SCENE_KINDS.indexOf(spec.kind);
  const v = (spec.index + k) % b.length;
  const scene = makeV2Scene({
    kind: spec.kind,
    seed: V2_SEEDS[spec.split] + 7919 * spec.sampleRate,
    index: 1000 * k + spec.index,
    sampleRate: spec.sampleRate,
    talker: b[v],
    others: b.filter((_, i) => i !== v).flat(),
    durationSec: spec.seconds,
  });
  return spec.gainJumpDb === undefined ? scene : withGainJump(scene, spec.gainJumpDb);
}

/** The scene with its noise at the primary scaled by `db` dB from the first change on (see `gainJumpDb`). */
export function withGainJump(scene: V2Scene, db: number): V2Scene {
  const at = scene.changes[0]?.at ?? scene.primary.length;
  const g = 10 ** (db / 20);
  const noiseAtPrimary = Float32Array.from(scene.noiseAtPrimary, (v, i) => (i >= at ? v * g : v));
  const primary = Float32Array.from(noiseAtPrimary, (v, i) => v + scene.clean[i]!);
  return { ...scene, noiseAtPrimary, primary };
}

export const clipId = (s: V2ClipSpec): string =>
  `${s.split}/${s.kind}/${s.sampleRate}/${s.index}/${s.speech}${s.gainJumpDb === undefined ? '' : `/+${s.gainJumpDb}dB`}`;
