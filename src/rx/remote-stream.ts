/**
 * Client of live serving over Redis Streams: frames audio into the wire format (sequence numbers,
 * {@link FRAME_SIZE}-sample frames, rate, channels), appends it to the stream's capped input and
 * reads the denoised frames and smoothed-model snapshots back — also as RxJS Observables, so a
 * stream is denoised remotely with a pipe: `mic$.pipe(denoiseRemote({ redis, sampleRate }))`.
 *
 * Back-pressure: the input is capped at `inputCap` entries (`MAXLEN ~`); when the servers fall
 * behind, the oldest frames are trimmed (drop-oldest) and their count comes back as `dropped` on the
 * output's end entry.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { AdamaxStreamError } from '../core/errors.js';
import { entryFields } from '../io/entry-fields.js';
import { pcmBytes, pcmSamples } from '../io/pcm-bytes.js';
import { DEFAULT_INPUT_CAP, FRAME_SIZE, SERVE_GROUP, type StreamKeys, streamKeys } from '../io/stream-keys.js';
import { isStreamModelKind, REFERENCE_MAX_RATE, type StreamModelKind } from '../serve/stream-model.js';

export interface RemoteStreamOptions {
  /** `redis://HOST:PORT`. */
  readonly redis: string;
  /** Stream id. Default: a random UUID. */
  readonly id?: string;
  /** Rate of the audio in Hz. */
  readonly sampleRate: number;
  /**
   * The server's model: `'single'` (default) the server's single-channel model — the speech prior
   * of `denoise` unless the server runs `serve --model online` (multichannel audio is downmixed;
   * the output lags the input by a fixed latency: 768 samples at 48 kHz for the prior); `'reference'` the reference canceller on two channels, 0 the noisy primary
   * and 1 the noise reference (rates up to 127 999 Hz).
   */
  readonly model?: StreamModelKind;
  /** Interleaved channels of the audio written. Default 1 (`'reference'`: 2, the only value allowed). */
  readonly channels?: number;
  /** Key prefix. Default `adamax`. */
  readonly prefix?: string;
  /** Input cap in frames (`MAXLEN ~`). Default 4096. */
  readonly inputCap?: number;
}

/** A smoothed-model snapshot read back from a stream. */
export interface RemoteModelSnapshot {
  readonly seq: number;
  readonly iterations: number;
  readonly weights: Float32Array;
}

type RawEntry = [Buffer, Buffer[]];

/** One remote stream (see the module doc). */
export class RemoteStream {
  readonly id: string;
  readonly keys: StreamKeys;
  private seq = 0;
  private buffered: Float32Array;
  private fill = 0;
  private readonly channels: number;
  private readonly model: StreamModelKind;
  /** Frames dropped by back-pressure, known once the output ended (else null). */
  dropped: number | null = null;

  private constructor(
    private readonly options: RemoteStreamOptions,
    private readonly cmd: Redis,
  ) {
    this.id = options.id ?? randomUUID();
    this.keys = streamKeys(this.id, options.prefix);
    this.model = options.model ?? 'single';
    if (!isStreamModelKind(this.model)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `model must be 'single' or 'reference'. Received: ${String(options.model)}`,
      );
    }
    this.channels = options.channels ?? (this.model === 'reference' ? 2 : 1);
    if (this.model === 'reference' && (this.channels !== 2 || options.sampleRate > REFERENCE_MAX_RATE)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `A 'reference' stream has 2 channels (primary, reference) at a rate up to ${REFERENCE_MAX_RATE} Hz. Received: channels=${this.channels}, sampleRate=${options.sampleRate}`,
      );
    }
    if (!(Number.isInteger(this.channels) && this.channels >= 1 && this.channels <= 32)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `channels must be an integer in [1, 32]. Received: ${this.channels}`,
      );
    }
    if (!(Number.isInteger(options.sampleRate) && options.sampleRate >= 8000 && options.sampleRate <= 192000)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `sampleRate must be an integer in [8000, 192000]. Received: ${options.sampleRate}`,
      );
    }
    this.buffered = new Float32Array(FRAME_SIZE * this.channels);
  }

  /** Opens a stream: its consumer group and its place in the registry (servers pick it up). */
  static async open(options: RemoteStreamOptions): Promise<RemoteStream> {
    // Loaded on demand: the Redis client is only needed by remote streams.
    const { Redis } = await import('ioredis');
    const cmd = new Redis(options.redis, { maxRetriesPerRequest: null });
    // Connection errors are retried by the client (a Redis restart); keep them from crashing the process.
    cmd.on('error', () => {});
    let s: RemoteStream;
    try {
      s = new RemoteStream(options, cmd);
    } catch (e) {
      cmd.disconnect();
      throw e;
    }
    await s.cmd.xgroup('CREATE', s.keys.input, SERVE_GROUP, '0', 'MKSTREAM').catch((e: Error) => {
      if (!e.message.includes('BUSYGROUP')) throw e;
    });
    await s.cmd.sadd(s.keys.registry, s.id);
    return s;
  }

  /** Appends interleaved samples; full frames are sent at once, the rest waits for more. */
  async write(samples: Float32Array): Promise<void> {
    const frames: Float32Array[] = [];
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(samples.length - i, this.buffered.length - this.fill);
      this.buffered.set(samples.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === this.buffered.length) {
        frames.push(this.buffered.slice());
        this.fill = 0;
      }
    }
    if (frames.length > 0) await this.send(frames.map((f) => [this.seq++, f] as [number, Float32Array]));
  }

  /** Sends frames with explicit sequence numbers (a resend of the same `seq` is ignored by the server). */
  async send(frames: readonly [number, Float32Array][]): Promise<void> {
    const p = this.cmd.pipeline();
    const cap = this.options.inputCap ?? DEFAULT_INPUT_CAP;
    for (const [seq, pcm] of frames) {
      p.xadd(
        this.keys.input,
        'MAXLEN',
        '~',
        cap,
        '*',
        'seq',
        seq,
        'rate',
        this.options.sampleRate,
        'ch',
        this.channels,
        'model',
        this.model,
        'pcm',
        pcmBytes(pcm),
      );
    }
    await p.exec();
  }

  /** Sends the last partial frame (zero-padded) and the end marker. */
  async end(): Promise<void> {
    if (this.fill > 0) {
      this.buffered.fill(0, this.fill);
      this.fill = 0;
      await this.send([[this.seq++, this.buffered.slice()]]);
    }
    await this.cmd.xadd(this.keys.input, '*', 'seq', this.seq, 'end', '1');
  }

  /** Reads entries of `key` from the start until the end entry (each as fields). */
  private read<T>(key: string, pick: (f: Map<string, Buffer>) => T | null, untilEnd: boolean): Observable<T> {
    return new Observable<T>((subscriber) => {
      const reader = this.cmd.duplicate();
      reader.on('error', () => {});
      let closed = false;
      (async () => {
        let after = '0-0';
        while (!closed) {
          const res = (await reader.xreadBuffer('COUNT', 512, 'BLOCK', 200, 'STREAMS', key, after)) as
            | [Buffer, RawEntry[]][]
            | null;
          for (const [id, raw] of res?.[0]?.[1] ?? []) {
            after = id.toString();
            const f = entryFields(raw);
            if (f.get('end')?.toString() === '1') {
              this.dropped = Number(f.get('dropped')?.toString() ?? 0);
              if (untilEnd) return subscriber.complete();
              continue;
            }
            const v = pick(f);
            if (v !== null) subscriber.next(v);
          }
          if (!untilEnd && this.dropped !== null) return subscriber.complete();
        }
      })().catch((e) => subscriber.error(e));
      return () => {
        closed = true;
        reader.disconnect();
      };
    });
  }

  /** The denoised (or cancelled) frames ({@link FRAME_SIZE} mono samples each, in `seq` order); completes at the end. */
  output(): Observable<Float32Array> {
    return this.read(this.keys.output, (f) => pcmSamples(f.get('pcm') ?? Buffer.alloc(0)), true);
  }

  /** Denoised frames with their input `seq`. */
  outputFrames(): Observable<{ seq: number; pcm: Float32Array }> {
    return this.read(
      this.keys.output,
      (f) => ({ seq: Number(f.get('seq')?.toString()), pcm: pcmSamples(f.get('pcm') ?? Buffer.alloc(0)) }),
      true,
    );
  }

  /** Smoothed-model snapshots as the server publishes them (completes after the output ended). */
  models(): Observable<RemoteModelSnapshot> {
    return this.read(
      this.keys.model,
      (f) => ({
        seq: Number(f.get('seq')?.toString()),
        iterations: Number(f.get('iterations')?.toString()),
        weights: pcmSamples(f.get('weights') ?? Buffer.alloc(0)),
      }),
      false,
    );
  }

  close(): void {
    this.cmd.disconnect();
  }
}
