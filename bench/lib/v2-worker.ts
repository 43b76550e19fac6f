import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';
import { runClip } from './reference-methods.js';
import { buildClip, clipId, type V2ClipSpec } from './v2-clips.js';
import { V2_METHODS } from './v2-methods.js';
import { scoreV2, type V2ClipScore } from './v2-metrics.js';

/** One unit of work: one clip, several (method, config) runs on it (the scene is built once). */
export interface V2Job {
  readonly clip: V2ClipSpec;
  readonly runs: readonly { readonly method: string; readonly config: unknown }[];
}

const scenes = new Map<string, V2Scene>();

/** Runs a job in this thread: builds (or reuses) the scene, runs every method/config prequentially, scores. */
export function runJob(job: V2Job): V2ClipScore[] {
  const id = clipId(job.clip);
  let sc = scenes.get(id);
  if (!sc) {
    if (scenes.size > 8) scenes.clear();
    sc = buildClip(job.clip);
    scenes.set(id, sc);
  }
  const scene = sc;
  return job.runs.map((r) => {
    const m = V2_METHODS[r.method];
    if (!m) throw new Error(`unknown method ${r.method}`);
    const out = runClip(m.make(scene.sampleRate, r.config), scene.primary, scene.reference);
    return scoreV2(scene, out);
  });
}

/** A pool of worker threads running {@link runJob} (1 worker = in this thread). */
export class V2Pool {
  private readonly workers: Worker[] = [];
  constructor(readonly size: number) {
    for (let i = 0; i < (size > 1 ? size : 0); i++) {
      this.workers.push(new Worker(new URL('./v2-worker-entry.mjs', import.meta.url)));
    }
  }

  async run(jobs: readonly V2Job[]): Promise<V2ClipScore[][]> {
    const results: V2ClipScore[][] = new Array(jobs.length);
    if (this.workers.length === 0) {
      jobs.forEach((j, i) => {
        results[i] = runJob(j);
      });
      return results;
    }
    let next = 0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) {
                w.removeAllListeners('message');
                w.removeAllListeners('error');
                resolve();
                return;
              }
              const i = next++;
              w.once('message', (r: V2ClipScore[]) => {
                results[i] = r;
                feed();
              });
              w.postMessage(jobs[i]);
            };
            w.once('error', reject);
            feed();
          }),
      ),
    );
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: V2Job) => port.postMessage(runJob(job)));
}
