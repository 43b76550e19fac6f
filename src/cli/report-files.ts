import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { PipelineResult } from '../node/index.js';
import { renderHtmlReport } from '../report/render-html-report.js';
import type { ReportAudio, RunReport } from '../report/run-report.js';
import { CliUsageError } from './io.js';

/** Checks a `--report` path (`.html` or `.json`). */
export function checkReportPath(command: string, path: string | undefined): void {
  if (path === undefined) return;
  const ext = extname(path).toLowerCase();
  if (ext !== '.html' && ext !== '.htm' && ext !== '.json') {
    throw new CliUsageError(`${command}: --report must end in .html or .json. Received: ${path}`);
  }
}

/** A {@link RunReport} from a pipeline result (drops the output samples). */
export function toRunReport(
  r: PipelineResult,
  meta: { title: string; command: string; inputFile: string; channels: number; output?: string },
): RunReport {
  const report: { -readonly [K in keyof RunReport]: RunReport[K] } = {
    title: meta.title,
    createdAt: new Date().toISOString(),
    command: meta.command,
    input: {
      file: meta.inputFile,
      sampleRate: r.sampleRate,
      durationSec: r.output.length / r.sampleRate,
      channels: meta.channels,
    },
    mode: r.mode,
    settings: r.settings,
    summary: r.summary,
    changeTimes: [...r.changeTimes],
    levels: r.levels,
  };
  if (meta.output !== undefined) report.output = meta.output;
  if (r.quality) report.quality = r.quality;
  if (r.loss) report.loss = r.loss;
  if (r.learningRate) report.learningRate = r.learningRate;
  if (r.weightNorm) report.weightNorm = r.weightNorm;
  if (r.emaVsRaw) report.emaVsRaw = r.emaVsRaw;
  return report;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** JSON of a report: non-finite numbers become strings ('Infinity', 'NaN') instead of null. */
export function reportJson(report: RunReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

/**
 * Writes the report: `.html` → the HTML file (with `audio`: before/after players and spectrograms) and
 * the same numbers as `<name>.json` next to it; `.json` → JSON only. Returns the files written.
 */
export async function writeReport(path: string, report: RunReport, audio?: ReportAudio): Promise<string[]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    await writeAtomic(path, reportJson(report));
    return [path];
  }
  const jsonPath = `${path.slice(0, path.length - ext.length)}.json`;
  await writeAtomic(path, renderHtmlReport(report, audio));
  await writeAtomic(jsonPath, reportJson(report));
  return [path, jsonPath];
}
