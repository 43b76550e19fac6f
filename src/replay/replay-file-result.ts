import type { FileFingerprint } from '../io/file-fingerprint.js';

/** Result of one file. */
export interface ReplayFileResult {
  readonly name: string;
  readonly noisy: string;
  /** Written output file, or null without `outDir`. */
  readonly output: string | null;
  readonly mode: string;
  readonly model: string;
  readonly sampleRate: number;
  readonly durationSec: number;
  readonly processingSec: number;
  readonly siSdrIn: number | null;
  readonly siSdrOut: number | null;
  readonly siSdrImprovement: number | null;
  readonly snrIn: number | null;
  readonly snrOut: number | null;
  readonly stoiIn: number | null;
  readonly stoiOut: number | null;
  /** Fingerprint of the noisy input when it was processed (a changed input is processed again). */
  readonly input: FileFingerprint;
  /** SHA-256 of the written output (a missing or altered output is written again); null without `outDir`. */
  readonly outputSha256: string | null;
}
