/// <reference lib="dom" />
/**
 * The demo page's script (bundled with esbuild by `npm run demo`): microphone or file → the
 * denoiser node → speakers, with live plots fed by `stats$` / `snapshots$` and a WAV download of the
 * denoised output (a small recorder worklet taps the node's output).
 */
import { encodeWav } from '../../src/index.js';
import { createDenoiserNode, type DenoiserNode, type DenoiserStats } from '../../src/web/index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const WINDOW = 300; // reports shown (30 s at 100 ms)

interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: number[];
}

/** Draws series on a canvas (y range from the data; `log` for a log axis); text sized for the screen. */
function plot(canvas: HTMLCanvasElement, series: readonly Series[], log = false): void {
  const g = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  g.clearRect(0, 0, w, h);
  const tf = (v: number) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite).map(tf));
  if (all.length === 0) return;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const left = 110;
  const top = 40;
  const y = (v: number) => top + (h - top - 20) * (1 - (tf(v) - lo) / (hi - lo));
  g.font = '26px system-ui, sans-serif';
  g.fillStyle = '#57606a';
  g.fillText(log ? `1e${hi.toFixed(1)}` : hi.toFixed(1), 4, top + 10);
  g.fillText(log ? `1e${lo.toFixed(1)}` : lo.toFixed(1), 4, h - 20);
  let lx = left;
  for (const s of series) {
    g.fillStyle = s.color;
    g.fillText(s.label, lx, 28);
    lx += g.measureText(s.label).width + 30;
    g.strokeStyle = s.color;
    g.lineWidth = 3;
    g.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        started = false; // a gap, not a bridge
        return;
      }
      const x = left + ((w - left - 10) * i) / (WINDOW - 1);
      if (started) g.lineTo(x, y(v));
      else g.moveTo(x, y(v));
      started = true;
    });
    g.stroke();
  }
}

const recorderSource = `registerProcessor('adamax-demo-recorder', class extends AudioWorkletProcessor {
  process(inputs) { const c = inputs[0] && inputs[0][0]; if (c) this.port.postMessage(c.slice()); return true; }
});`;

const state = {
  ctx: null as AudioContext | null,
  denoiser: null as DenoiserNode | null,
  recorded: [] as Float32Array[],
  stop: (): void => undefined,
};
const series = {
  input: { label: 'input', color: '#0969da', values: [] as number[] },
  output: { label: 'output', color: '#1a7f37', values: [] as number[] },
  reduction: { label: 'input − output', color: '#8250df', values: [] as number[] },
  lr: { label: 'learning rate', color: '#bc4c00', values: [] as number[] },
  norm: { label: 'weight norm', color: '#cf222e', values: [] as number[] },
};
/** Reports shown so far and the noise reduction after each (the page's test reads them). */
const shown: DenoiserStats[] = [];
const noise: number[] = [];
(globalThis as { adamaxDemo?: unknown }).adamaxDemo = { shown, noise };

function push(target: number[], v: number): void {
  target.push(v);
  if (target.length > WINDOW) target.shift();
}

/**
 * Noise reduction: the level removed during noise alone, i.e. the median of `reductionDb` over the
 * reports of the last 3 s whose input level is within 1 dB of that window's quietest (speech pauses).
 */
function noiseReduction(): number {
  const recent = shown.slice(-30).filter((r) => Number.isFinite(r.inputDb) && Number.isFinite(r.reductionDb));
  if (recent.length === 0) return Number.NaN;
  const floor = Math.min(...recent.map((r) => r.inputDb));
  const quiet = recent
    .filter((r) => r.inputDb <= floor + 1)
    .map((r) => r.reductionDb)
    .sort((a, b) => a - b);
  return quiet[Math.floor(quiet.length / 2)]!;
}

function onStats(s: DenoiserStats): void {
  shown.push(s);
  const nr = noiseReduction();
  noise.push(nr);
  push(series.input.values, s.inputDb);
  push(series.output.values, s.outputDb);
  push(series.reduction.values, s.reductionDb);
  push(series.lr.values, s.learningRate);
  push(series.norm.values, s.weightNorm);
  $('reduction').textContent = Number.isFinite(nr) ? nr.toFixed(1) : '–';
  $('status').textContent = `${s.time.toFixed(1)} s, ${s.steps} model steps, ${state.recorded.length} blocks recorded`;
  plot($('levels'), [series.input, series.output]);
  plot($('reductionPlot'), [series.reduction]);
  plot($('lr'), [series.lr], true);
  plot($('norm'), [series.norm]);
}

async function start(makeSource: (ctx: AudioContext) => Promise<AudioNode>): Promise<void> {
  state.stop();
  const ctx = new AudioContext({ sampleRate: 48000 });
  const mode = ($('mode') as HTMLSelectElement).value as 'single' | 'reference';
  const denoiser = await createDenoiserNode(ctx, { mode, reportIntervalMs: 100 });
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([recorderSource], { type: 'text/javascript' })));
  const recorder = new AudioWorkletNode(ctx, 'adamax-demo-recorder', { numberOfOutputs: 0 });
  state.recorded = [];
  recorder.port.onmessage = (e: MessageEvent<Float32Array>) => state.recorded.push(e.data);
  const source = await makeSource(ctx);
  source.connect(denoiser.node);
  denoiser.node.connect(ctx.destination);
  denoiser.node.connect(recorder);
  const sub = denoiser.stats$.subscribe(onStats);
  state.ctx = ctx;
  state.denoiser = denoiser;
  state.stop = () => {
    sub.unsubscribe();
    denoiser.dispose();
    void ctx.close();
    $('stop').toggleAttribute('disabled', true);
  };
  await ctx.resume();
  $('stop').toggleAttribute('disabled', false);
  $('download').toggleAttribute('disabled', false);
}

$('mic').addEventListener('click', () =>
  start(async (ctx) =>
    ctx.createMediaStreamSource(
      await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      }),
    ),
  ),
);
$('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  void start(async (ctx) => {
    const buffer = await ctx.decodeAudioData(await file.arrayBuffer());
    const src = new AudioBufferSourceNode(ctx, { buffer });
    src.start();
    return src;
  });
});
$('stop').addEventListener('click', () => state.stop());
$('download').addEventListener('click', () => {
  const total = state.recorded.reduce((n, b) => n + b.length, 0);
  const pcm = new Float32Array(total);
  let o = 0;
  for (const b of state.recorded) {
    pcm.set(b, o);
    o += b.length;
  }
  const bytes = encodeWav([pcm], state.ctx?.sampleRate ?? 48000, { format: 'pcm16' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
  a.download = 'denoised.wav';
  a.click();
});
