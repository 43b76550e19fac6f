import { type FileFingerprint, fileFingerprint } from '../io/file-fingerprint.js';
import type { DatasetItem } from '../io/list-dataset.js';
import type { PipelineResult } from '../report/pipeline-result.js';
import { round } from '../report/round.js';

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

const m = (v: number | null | undefined, d = 3) => round(v ?? null, d);

/**
 * The record of a finished file: its run's numbers (rounded), where its output went and the
 * fingerprints of its input (taken before the run) and of that output.
 */
export function replayFileResult(
  item: DatasetItem,
  result: PipelineResult,
  duration: number,
  outPath: string | null,
  input: FileFingerprint,
): ReplayFileResult {
  const mt = result.metrics;
  return {
    name: item.name,
    noisy: item.noisy,
    output: outPath,
    mode: result.mode,
    model: result.model,
    sampleRate: result.sampleRate,
    durationSec: m(duration)!,
    processingSec: m(result.elapsedSec)!,
    siSdrIn: m(mt?.siSdrIn),
    siSdrOut: m(mt?.siSdrOut),
    siSdrImprovement: m(mt?.siSdrImprovement),
    snrIn: m(mt?.snrIn),
    snrOut: m(mt?.snrOut),
    stoiIn: m(mt?.stoiIn, 4),
    stoiOut: m(mt?.stoiOut, 4),
    input,
    outputSha256: outPath ? fileFingerprint(outPath).sha256 : null,
  };
}
