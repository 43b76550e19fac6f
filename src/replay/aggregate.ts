import { round } from '../report/round.js';
import type { ReplayFileResult } from './replay-file-result.js';

/** Aggregate metrics over the finished files (null when no file had a clean track). */
export interface ReplayAggregate {
  readonly files: number;
  readonly finished: number;
  readonly failed: number;
  readonly withClean: number;
  readonly audioSec: number;
  readonly processingSec: number;
  readonly realTimeFactor: number | null;
  readonly siSdrImprovementMedian: number | null;
  readonly siSdrImprovementMean: number | null;
  readonly siSdrOutMean: number | null;
  readonly snrImprovementMean: number | null;
  readonly stoiOutMean: number | null;
  readonly stoiImprovementMean: number | null;
}

const mean = (v: number[]): number | null => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
function median(v: number[]): number | null {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const finite = (v: (number | null)[]): number[] => v.filter((x): x is number => x !== null && Number.isFinite(x));

/** Aggregate metrics of finished results. */
export function aggregate(total: number, results: readonly ReplayFileResult[], failed: number): ReplayAggregate {
  const withClean = results.filter((r) => r.siSdrImprovement !== null);
  const sdri = finite(withClean.map((r) => r.siSdrImprovement));
  const audioSec = results.reduce((a, r) => a + r.durationSec, 0);
  const processingSec = results.reduce((a, r) => a + r.processingSec, 0);
  return {
    files: total,
    finished: results.length,
    failed,
    withClean: withClean.length,
    audioSec: round(audioSec)!,
    processingSec: round(processingSec)!,
    realTimeFactor: audioSec > 0 ? round(processingSec / audioSec, 4) : null,
    siSdrImprovementMedian: round(median(sdri)),
    siSdrImprovementMean: round(mean(sdri)),
    siSdrOutMean: round(mean(finite(withClean.map((r) => r.siSdrOut)))),
    snrImprovementMean: round(
      mean(finite(withClean.map((r) => (r.snrOut !== null && r.snrIn !== null ? r.snrOut - r.snrIn : null)))),
    ),
    stoiOutMean: round(mean(finite(withClean.map((r) => r.stoiOut))), 4),
    stoiImprovementMean: round(
      mean(finite(withClean.map((r) => (r.stoiOut !== null && r.stoiIn !== null ? r.stoiOut - r.stoiIn : null)))),
      4,
    ),
  };
}
