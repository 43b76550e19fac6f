/**
 * Sample 05 — the live real-time path, headless.
 *
 * A real-time AudioContext with no sound card (`sinkId: { type: 'none' }`, paced like one) plays a
 * generated two-microphone scene: the primary is a speech-like signal plus white noise that reached
 * it through a short unknown acoustic path; the reference is the noise itself. An AudioWorklet
 * filters every 128-sample render quantum with the latest FIR weights; the main thread reads the
 * blocks from a SharedArrayBuffer ring, learns the FIR with Adamax and publishes the EMA weights
 * back through a double buffer. Prints the SNR before/after and the weight-update latency.
 *
 * Run: node --import tsx samples/05-live-headless.ts
 */
import { pathToFileURL } from 'node:url';
import { noiseCancellationScenario } from '../src/audio/live-scenario.js';
import { type LiveResult, startLive } from '../src/audio/live-session.js';
import { FirFilter } from '../src/models/fir-filter.js';
import { snr } from '../src/signal/snr.js';

export interface LiveSampleResult {
  readonly snrInDb: number;
  readonly snrOutDb: number;
  readonly live: Omit<LiveResult, 'input' | 'output'>;
}

export async function main(
  options: { tiny?: boolean; seconds?: number; log?: (line: string) => void } = {},
): Promise<LiveSampleResult> {
  const log = options.log ?? console.log;
  const seconds = options.seconds ?? (options.tiny ? 2 : 5);
  const sampleRate = 16000;
  const scene = noiseCancellationScenario({ sampleRate, seconds, snrDb: 0, pathTaps: 8, seed: 3 });
  log(`playing ${seconds} s of a noisy two-microphone scene in real time (headless, ${sampleRate} Hz) …`);
  const live = await startLive({
    model: new FirFilter({ taps: 16, frameSize: 128 }),
    optimizer: { learningRate: 0.005, useEma: true, emaMomentum: 0.9 },
    input: { kind: 'generated', channels: [scene.primary, scene.reference] },
    sampleRate,
    publishEvery: 2,
  });
  await live.ended;
  const result = await live.stop();
  const { input: _input, output, ...rest } = result;

  const n = scene.clean.length;
  const off = result.sourceOffset ?? 0;
  const last = Math.min(n, sampleRate); // the last second, after convergence
  const clean = scene.clean.subarray(n - last);
  const snrInDb = snr(clean, scene.primary.subarray(n - last));
  const snrOutDb = output ? snr(clean, output.subarray(off + n - last, off + n)) : Number.NaN;
  const l = result.updateLatencyMs;
  log(`SNR (last second): ${snrInDb.toFixed(1)} dB in → ${snrOutDb.toFixed(1)} dB out`);
  log(
    `blocks processed ${result.blocksProcessed}, missed ${result.blocksMissed}; frames learned ${result.framesLearned}; ` +
      `weight updates ${result.weightUpdates} (${result.publishDeferred} deferred)`,
  );
  log(
    `weight-update latency (main-thread write → first render quantum using it): p50 ${l.p50.toFixed(2)} ms, ` +
      `p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms over ${l.count}`,
  );
  if (result.underruns) {
    log(`underruns: ${result.underruns.events} (${result.underruns.durationMs.toFixed(1)} ms)`);
  }
  log(`context closed: ${result.closed}`);
  return { snrInDb, snrOutDb, live: rest };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
