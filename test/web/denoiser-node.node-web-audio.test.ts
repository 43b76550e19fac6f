/**
 * The same denoiser node under node-web-audio-api (Node ≥ 22): the shipped processor bundle is added
 * to an OfflineAudioContext's AudioWorklet through a file: URL, renders the single-channel scene
 * (2 s of white noise at 5 dB SNR, 48 kHz; > 3 dB SI-SDR improvement) and reports through the port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { loadWebAudio } from '../../src/audio/load-web-audio.js';
import { createDenoiserNode, type DenoiserStats } from '../../src/web/index.js';
import { workletRequiredInCi, workletUnavailableReason } from '../audio/web-audio-unavailable-reason.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { secondHalfImprovement, singleChannelScene } from './scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'adamax-nwa-'));

describe.skipIf(
  skipUnavailable('createDenoiserNode under node-web-audio-api', workletUnavailableReason, workletRequiredInCi),
)('createDenoiserNode under node-web-audio-api', () => {
  beforeAll(() => buildWeb(dir), 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('denoises the single-channel scene in an OfflineAudioContext and reports', async () => {
    const wa = await loadWebAudio();
    const sampleRate = 48000;
    const scene = singleChannelScene(sampleRate, 2);
    const ctx = new wa.OfflineAudioContext({ numberOfChannels: 1, length: scene.primary.length + 4096, sampleRate });
    const buffer = ctx.createBuffer(1, scene.primary.length, sampleRate);
    buffer.copyToChannel(scene.primary as Float32Array<ArrayBuffer>, 0);
    const source = new wa.AudioBufferSourceNode(ctx, { buffer });
    const dn = await createDenoiserNode(
      ctx as unknown as BaseAudioContext,
      { mode: 'single', reportIntervalMs: 250 },
      {
        AudioWorkletNode: wa.AudioWorkletNode as unknown as typeof AudioWorkletNode,
        processorUrl: pathToFileURL(join(dir, 'denoiser-processor.js')),
      },
    );
    const stats: DenoiserStats[] = [];
    dn.stats$.subscribe((s) => stats.push(s));
    source.connect(dn.node as never).connect(ctx.destination);
    source.start();
    const rendered = await ctx.startRendering();
    await new Promise((r) => setTimeout(r, 100));
    dn.dispose();
    const m = secondHalfImprovement(scene, rendered.getChannelData(0), dn.latency);
    expect(m.improvement).toBeGreaterThan(3);
    expect(stats.length).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
