/**
 * The wire format of live serving over Redis Streams (shared by the stream server and its clients).
 *
 * Keys of a stream `<id>` under a prefix (default `adamax`):
 * - `<p>:streams` — set of the open stream ids (servers look here for work).
 * - `<p>:s:<id>:in` — input frames (XADD by the client, `MAXLEN ~ cap`; consumer group `denoisers`).
 *   Fields: `seq` (0, 1, 2 …), `rate` (Hz), `ch` (channels), `model` (`single`, the default when
 *   absent, or `reference`: channel 0 the primary, 1 the reference), `pcm` (float32
 *   little-endian, interleaved, {@link FRAME_SIZE} samples per channel); the last entry has `end` = `1`.
 * - `<p>:s:<id>:out` — denoised frames: `seq` (the input frame's), `pcm` (float32 mono, one frame);
 *   finally an entry with `end` = `1` and the count of frames `dropped` by back-pressure.
 * - `<p>:s:<id>:model` — smoothed-model snapshots: `seq`, `iterations`, `weights` (float32).
 * - `<p>:s:<id>:ckpt` — hash: the learner `state` (`prior`, `online`: `encodeCheckpoint`;
 *   `reference`: `FilterState`), its `model` (`prior`, `online` or `reference`; `single` in
 *   checkpoints written before the single-channel model was recorded: the online denoiser's), the
 *   model's `version`, `rate`, the last input `seq` it covers, `dropped`.
 * - `<p>:s:<id>:lease` — the owning server's id, with a TTL renewed while it is alive.
 *
 * Samples travel as {@link pcmBytes} / {@link pcmSamples}; an entry's fields are read with
 * {@link entryFields}.
 */

/** Samples per channel of one frame (the online denoiser's hop; the speech prior queues frames into its hops). */
export const FRAME_SIZE = 256;

/** Consumer group of the servers on every input key. */
export const SERVE_GROUP = 'denoisers';

/** Default key prefix. */
export const STREAM_PREFIX = 'adamax';

/** Default input cap (`MAXLEN ~`), in frames: ≈ 22 s at 48 kHz. */
export const DEFAULT_INPUT_CAP = 4096;

/** The keys of one stream. */
export interface StreamKeys {
  readonly registry: string;
  readonly input: string;
  readonly output: string;
  readonly model: string;
  readonly checkpoint: string;
  readonly lease: string;
}

/** Keys of stream `id` under `prefix`. */
export function streamKeys(id: string, prefix = STREAM_PREFIX): StreamKeys {
  const base = `${prefix}:s:${id}`;
  return {
    registry: `${prefix}:streams`,
    input: `${base}:in`,
    output: `${base}:out`,
    model: `${base}:model`,
    checkpoint: `${base}:ckpt`,
    lease: `${base}:lease`,
  };
}
