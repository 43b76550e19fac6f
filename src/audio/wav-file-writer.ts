import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AdamaxStreamError } from '../core/errors.js';
import { fsyncDirectory } from '../io/fsync-directory.js';
import { encodeWav, type WavEncoding } from './encode-wav.js';

/**
 * Incremental, atomic writer of a WAV (the layout of {@link encodeWav}, byte for byte): the
 * header is written with zero sizes, samples are appended chunk by chunk (`pcm16`:
 * `clamp(round(x·32768))`, `float32`: the bits), and {@link commit} patches the sizes, fsyncs, renames
 * the temporary `<name>.<pid>.<random>.tmp` over `path` and fsyncs the folder. {@link abort} removes
 * the temporary file. Memory is one chunk's bytes, whatever the file's length.
 */
export class WavFileWriter {
  readonly path: string;
  readonly temp: string;
  /** Frames written so far. */
  frames = 0;
  private fd: number;
  private readonly float: boolean;
  private readonly headerBytes: number;
  private readonly header: Uint8Array;
  private scratch = new Uint8Array(0);

  readonly channels: number;

  constructor(path: string, sampleRate: number, format: WavEncoding, channels = 1) {
    this.path = path;
    this.channels = channels;
    this.float = format === 'float32';
    this.header = encodeWav(
      Array.from({ length: channels }, () => new Float32Array(0)),
      sampleRate,
      { format },
    );
    this.headerBytes = this.header.length;
    this.temp = join(dirname(path), `${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      this.fd = openSync(this.temp, 'wx');
      this.put(this.header, this.header.length);
    } catch (cause) {
      throw this.failure(cause);
    }
  }

  private failure(cause: unknown): AdamaxStreamError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new AdamaxStreamError('io', `Cannot write WAV file ${this.path}: ${detail}`, { cause });
  }

  private put(bytes: Uint8Array, length: number, position: number | null = null): void {
    let done = 0;
    while (done < length)
      done += writeSync(this.fd, bytes, done, length - done, position === null ? null : position + done);
  }

  /** Appends frames: mono samples, or one array per channel (all the same length). */
  write(samples: Float32Array | readonly Float32Array[]): void {
    const planar = samples instanceof Float32Array ? [samples] : samples;
    const c = this.channels;
    if (planar.length !== c) {
      throw new AdamaxStreamError('invalid_argument', `WavFileWriter of ${c} channel(s) got ${planar.length}.`);
    }
    const n = planar[0]!.length;
    const width = this.float ? 4 : 2;
    const bytes = n * c * width;
    if (this.scratch.length < bytes) this.scratch = new Uint8Array(bytes);
    const view = new DataView(this.scratch.buffer, 0, bytes);
    for (let ch = 0; ch < c; ch++) {
      const x = planar[ch]!;
      if (this.float) for (let i = 0; i < n; i++) view.setFloat32(width * (i * c + ch), x[i]!, true);
      else {
        for (let i = 0; i < n; i++) {
          let s = Math.round(x[i]! * 32768);
          if (s > 32767) s = 32767;
          else if (s < -32768) s = -32768;
          else if (Number.isNaN(s)) s = 0;
          view.setInt16(width * (i * c + ch), s, true);
        }
      }
    }
    try {
      this.put(this.scratch, bytes);
    } catch (cause) {
      throw this.failure(cause);
    }
    this.frames += n;
  }

  /** Patches the header sizes, makes the file durable and moves it to `path`. */
  commit(): void {
    const dataBytes = this.frames * this.channels * (this.float ? 4 : 2);
    const h = new Uint8Array(this.header);
    const view = new DataView(h.buffer);
    view.setUint32(4, this.headerBytes - 8 + dataBytes, true);
    if (this.float) view.setUint32(46, this.frames, true);
    view.setUint32(this.headerBytes - 4, dataBytes, true);
    try {
      this.put(h, h.length, 0);
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.temp, this.path);
      fsyncDirectory(this.path);
    } catch (cause) {
      this.abort();
      throw this.failure(cause);
    }
  }

  /** Drops the temporary file (idempotent). */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    rmSync(this.temp, { force: true });
  }
}
