/**
 * Sample 03 — single-channel denoising of the bundled recording (samples/data/noisy-speech.wav:
 * espeak-ng speech with pink noise that turns white half way) with the default single-channel
 * denoiser, the learned speech prior that adapts online (`method: 'online'` would run the
 * prior-free online denoiser through the RxJS pipeline). Writes the denoised WAV and an HTML report
 * to a temporary folder and prints the SI-SDR before and after.
 *
 * Run: node --import tsx samples/03-denoise-a-file.ts
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toRunReport } from '../src/cli/report-files.js';
import { denoiseSingleChannel, readAudioFile, writeAudioFile } from '../src/node/index.js';
import { renderHtmlReport } from '../src/report/render-html-report.js';

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');

export interface DenoiseSampleResult {
  readonly output: string;
  readonly report: string;
  readonly frames: number;
  readonly inputFrames: number;
  readonly siSdrIn: number;
  readonly siSdrOut: number;
}

export async function main(
  options: { tiny?: boolean; outDir?: string; log?: (line: string) => void } = {},
): Promise<DenoiseSampleResult> {
  const log = options.log ?? console.log;
  const noisy = await readAudioFile(join(DATA, 'noisy-speech.wav'));
  const clean = await readAudioFile(join(DATA, 'clean.wav'));
  const scenario = JSON.parse(await readFile(join(DATA, 'scenario.json'), 'utf8')) as { changeTimeSec: number };
  // tiny: the first 2 s only (the test suite's small mode)
  const n = options.tiny ? 2 * noisy.sampleRate : noisy.channels[0]!.length;
  const input = noisy.channels[0]!.subarray(0, n);
  const result = await denoiseSingleChannel({
    input,
    sampleRate: noisy.sampleRate,
    clean: clean.channels[0]!.subarray(0, n),
    ...(scenario.changeTimeSec < n / noisy.sampleRate ? { changeTime: scenario.changeTimeSec } : {}),
    skipStoi: options.tiny === true,
  });
  const dir = options.outDir ?? (await mkdtemp(join(tmpdir(), 'adamax-stream-sample03-')));
  const output = join(dir, 'denoised.wav');
  await writeAudioFile(output, [result.output], result.sampleRate, 'pcm16');
  const report = join(dir, 'report.html');
  await writeFile(
    report,
    renderHtmlReport(
      toRunReport(result, {
        title: 'Sample 03 — denoise a file',
        command: 'samples/03',
        inputFile: 'noisy-speech.wav',
        channels: 1,
        output,
      }),
    ),
  );
  const m = result.metrics!;
  log(
    `SI-SDR before ${m.siSdrIn.toFixed(2)} dB, after ${m.siSdrOut.toFixed(2)} dB (${(m.siSdrOut - m.siSdrIn).toFixed(2)} dB better)`,
  );
  log(`wrote ${output} and ${report}`);
  return { output, report, frames: result.output.length, inputFrames: n, siSdrIn: m.siSdrIn, siSdrOut: m.siSdrOut };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
