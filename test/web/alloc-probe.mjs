// Allocation probe of the shipped denoiser processor (the esbuild bundle), run in a fresh Node
// process: a stub AudioWorkletGlobalScope captures the registered class, one processor is built,
// warmed up (30 s), and then `process()` is called for `seconds` and for 3 × `seconds` of 48 kHz
// audio (no report messages); the growth that scales with the calls is (long − short) / (2·blocks).
// Young-generation semi-space is 1 MB (--max-semi-space-size=1), so any per-call allocation shows
// up as scavenges (PerformanceObserver 'gc' entries) and heap growth.
// Usage: node --expose-gc --max-semi-space-size=1 alloc-probe.mjs <processor.js> <reference|single|control> [seconds]
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, mode, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 30);
let Processor;
globalThis.AudioWorkletProcessor = class {
  port = { postMessage() {}, onmessage: null };
};
globalThis.registerProcessor = (_name, ctor) => {
  Processor = ctor;
};
globalThis.sampleRate = 48000;
await import(pathToFileURL(file).href);

const sampleRate = 48000;
const config = { mode: mode === 'control' ? 'single' : mode, sampleRate, reportIntervalMs: 0, snapshots: false };
const proc = new Processor({ processorOptions: { config } });
if (mode === 'control') {
  // calibration: the same processor plus one small escaping allocation per call
  const inner = proc.process.bind(proc);
  proc.process = (inputs, outputs) => {
    proc.last = new Float32Array(4);
    return inner(inputs, outputs);
  };
}
const q = 128;
const loop = new Float32Array(sampleRate);
let seed = 1;
for (let i = 0; i < loop.length; i++) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  loop[i] = (seed / 0x7fffffff - 0.5) * 0.2 + 0.1 * Math.sin(i * 0.05);
}
const a = new Float32Array(q);
const b = new Float32Array(q);
const inputs = [[a, b]];
const out = [[new Float32Array(q)]];
function drive(blocks, start) {
  for (let k = start; k < start + blocks; k++) {
    const off = (k * q) % (loop.length - q);
    for (let i = 0; i < q; i++) {
      a[i] = loop[off + i];
      b[i] = loop[(off + 7 * q + i) % loop.length];
    }
    proc.process(inputs, out);
  }
}
const blocks = Math.round((seconds * sampleRate) / q);
drive(Math.round((30 * sampleRate) / q), 0); // warm-up: 30 s, the JIT settles
let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
/** Heap growth over `n` blocks, from a collected heap; GC events counted. */
async function window(n, start) {
  globalThis.gc();
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
  obs.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  drive(n, start);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 10));
  obs.disconnect();
  return after - before;
}
await window(blocks, 500); // unmeasured: one-off growth of the first measured run lands here
const short = await window(blocks, 1000);
const long = await window(3 * blocks, 1000 + blocks);
// one-off growth (optimised code, feedback vectors) is in both windows; what scales with the
// number of calls is the difference
console.log(JSON.stringify({ mode, blocks, gcs, short, long, bytesPerCall: (long - short) / (2 * blocks) }));
