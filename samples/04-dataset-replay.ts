/**
 * Sample 04 — dataset replay with a crash and a resume.
 *
 * Builds a tiny dataset folder in a temporary directory (generated scenarios: `<name>.wav` noisy,
 * `<name>.clean.wav`, and for some `<name>.ref.wav`), replays it with a state file, aborts after the
 * first file (as Ctrl-C would), then runs again: the finished file is skipped, the others are done,
 * and the aggregate metrics cover all of them.
 *
 * Run: node --import tsx samples/04-dataset-replay.ts
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSpeechDir, loadSpeech } from '../src/cli/speech.js';
import { makeScenario } from '../src/index.js';
import { type ReplayAggregate, replayDataset, writeAudioFile } from '../src/node/index.js';

export interface ReplaySampleResult {
  readonly dir: string;
  readonly firstRunFinished: number;
  readonly firstRunInterrupted: boolean;
  readonly secondRunSkipped: number;
  readonly aggregate: ReplayAggregate;
}

/** Writes `count` generated recordings into `dir` (every other one with a reference). */
export async function makeDataset(dir: string, count: number, seconds: number): Promise<void> {
  const sampleRate = 16000;
  const speech = await loadSpeech(defaultSpeechDir()!, sampleRate);
  for (let i = 0; i < count; i++) {
    const track = i % 2 === 0 ? 'single' : 'reference';
    const sc = makeScenario({ seed: 42, split: 'test', index: i, speech, sampleRate, track, durationSec: seconds });
    const name = `clip${i + 1}`;
    await writeAudioFile(join(dir, `${name}.wav`), [sc.primary], sampleRate, 'float32');
    await writeAudioFile(join(dir, `${name}.clean.wav`), [sc.clean], sampleRate, 'float32');
    if (sc.reference) await writeAudioFile(join(dir, `${name}.ref.wav`), [sc.reference], sampleRate, 'float32');
  }
}

export async function main(
  options: { tiny?: boolean; log?: (line: string) => void } = {},
): Promise<ReplaySampleResult> {
  const log = options.log ?? console.log;
  const dir = await mkdtemp(join(tmpdir(), 'adamax-stream-sample04-'));
  const data = join(dir, 'dataset');
  await makeDataset(data, options.tiny ? 3 : 6, options.tiny ? 1.5 : 4);
  const state = join(dir, 'state.json');
  const out = join(dir, 'out');

  // First run: abort after the first file (what Ctrl-C does in `adamax-stream replay`).
  const controller = new AbortController();
  const first = await replayDataset({
    source: data,
    outDir: out,
    statePath: state,
    signal: controller.signal,
    skipStoi: options.tiny === true,
    onFileDone: (item, o) => {
      log(`run 1: ${item.name} ${o.kind}`);
      controller.abort();
    },
  });
  log(`run 1 interrupted: ${first.interrupted}, finished ${first.aggregate.finished}/${first.aggregate.files}`);

  // Second run with the same state: the finished file is skipped.
  const second = await replayDataset({
    source: data,
    outDir: out,
    statePath: state,
    skipStoi: options.tiny === true,
    onFileDone: (item, o) => log(`run 2: ${item.name} ${o.kind}`),
  });
  const a = second.aggregate;
  log(
    `run 2: ${a.finished}/${a.files} files, ${second.skipped} skipped; SI-SDR improvement median ${a.siSdrImprovementMedian} dB, mean ${a.siSdrImprovementMean} dB`,
  );
  return {
    dir,
    firstRunFinished: first.aggregate.finished,
    firstRunInterrupted: first.interrupted,
    secondRunSkipped: second.skipped,
    aggregate: a,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
