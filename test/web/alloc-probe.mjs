// Allocation probe of the shipped denoiser processor (the esbuild bundle), run in a fresh Node
// process: a stub AudioWorkletGlobalScope captures the registered class, one processor is built,
// warmed up (30 s of 48 kHz audio plus 2 unmeasured windows: the JIT settles), and then
// `process()` is called in WINDOWS consecutive windows of `seconds` each (no report messages). Each
// window starts from a collected heap and records its GC events (PerformanceObserver 'gc', with
// their kinds: 1 = scavenge, 2 = mark-compact, 4 = incremental marking, 8 = weak callbacks) and its
// heap growth. The young generation's semi-space is 1 MB (--max-semi-space-size=1), so ~1 MB of
// allocation in a window shows up as a scavenge, and less shows up as heap growth.
// Usage: node --expose-gc --max-semi-space-size=1 alloc-probe.mjs <processor.js> <reference|single|single-online|control> [seconds]
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
// 'single' without a model: the node's default single-channel model (the speech prior); 'single-online': the online one
const config = {
  mode: mode === 'reference' ? 'reference' : 'single',
  ...(mode === 'single-online' ? { model: 'online' } : {}),
  sampleRate,
  reportIntervalMs: 0,
  snapshots: false,
};
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
// The input blocks are cut once, up front: the driving loop only copies whole blocks (`set`), so it
// allocates nothing even when V8 runs it unoptimised (an interpreted per-sample copy would box every
// sample and be counted against process()).
const cycle = (loop.length - q) / q;
const blocksA = [];
const blocksB = [];
for (let j = 0; j < cycle; j++) {
  const off = j * q;
  const ba = new Float32Array(q);
  const bb = new Float32Array(q);
  for (let i = 0; i < q; i++) {
    ba[i] = loop[off + i];
    bb[i] = loop[(off + 7 * q + i) % loop.length];
  }
  blocksA.push(ba);
  blocksB.push(bb);
}
const a = new Float32Array(q);
const b = new Float32Array(q);
const inputs = [[a, b]];
const out = [[new Float32Array(q)]];
function drive(blocks, start) {
  for (let k = start; k < start + blocks; k++) {
    a.set(blocksA[k % cycle]);
    b.set(blocksB[k % cycle]);
    proc.process(inputs, out);
  }
}
const blocks = Math.round((seconds * sampleRate) / q);
drive(Math.round((30 * sampleRate) / q), 0); // warm-up: 30 s, the JIT settles
const WINDOWS = 5;
let kinds = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) kinds.push(e.detail?.kind ?? e.kind ?? 0);
});
/** One window of `n` blocks from a collected heap: its GC events (kinds) and heap growth in bytes. */
async function window(n, start) {
  globalThis.gc();
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
  kinds = [];
  obs.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  drive(n, start);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 10));
  obs.disconnect();
  return { gcs: kinds.length, kinds, bytes: after - before };
}
await window(blocks, 500); // unmeasured: one-off growth (optimised code, feedback vectors) lands here
await window(blocks, 500 + blocks);
const windows = [];
for (let w = 0; w < WINDOWS; w++) windows.push(await window(blocks, 1000 + (w + 2) * blocks));
console.log(JSON.stringify({ mode, blocks, windows }));
