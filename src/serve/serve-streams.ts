/**
 * Live multi-stream serving over Redis Streams (`adamax-stream serve`). Any number of servers join
 * the consumer group of every open stream; each stream has exactly one owner at a time:
 *
 * - **Lease**: `SET lease <server> NX PX ttl`, renewed every ttl/3 by a script that extends it only
 *   while it is still ours. Every write of an owner (output frames, snapshots, checkpoint + acks)
 *   runs in a script that first checks the lease, so an owner that lost it can no longer write.
 * - **Takeover**: a stream whose lease expired (its owner died) is taken by the next server that
 *   scans it: it loads the last checkpoint, claims the dead owner's pending entries
 *   (`XAUTOCLAIM`), replays them in order (entries the checkpoint covers are skipped by `seq`) and
 *   suppresses output frames already written (by `seq`): the output equals an uninterrupted run's.
 * - **Balance**: a server takes streams up to its fair share (open streams ÷ live servers, from
 *   heartbeats), so new servers get work and dead ones' streams spread out.
 * - **Back-pressure**: clients cap the input (`MAXLEN ~`); a server that falls behind loses the
 *   oldest entries to the trim (drop-oldest); the gaps in `seq` are counted (`dropped`, in the
 *   checkpoint and on the output's end entry) and learning goes on with the frames that remain.
 *
 * One process reads all its streams with one blocking `XREADGROUP` and writes through one
 * pipeline per round, so a core serves many streams.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { AdamaxStreamError } from '../core/errors.js';
import { entryFields } from '../io/entry-fields.js';
import { SERVE_GROUP, STREAM_PREFIX, type StreamKeys, streamKeys } from '../io/stream-keys.js';
import { RELEASE, RENEW, WRITE } from './lease-scripts.js';
import {
  DEFAULT_SINGLE_STREAM_MODEL,
  type ServedModel,
  SINGLE_STREAM_MODELS,
  type SingleStreamModel,
} from './stream-model.js';
import { type OwnerRestart, type OwnerResume, type OwnerWrites, StreamOwner } from './stream-owner.js';

export interface ServeOptions {
  /** `redis://HOST:PORT`. */
  readonly redis: string;
  /** Key prefix. Default `adamax`. */
  readonly prefix?: string;
  /** Lease TTL in ms: an owner's death is noticed after at most this (+ `scanMs`). Default 1000. */
  readonly leaseMs?: number;
  /** How often to look for streams without an owner, in ms. Default 100. */
  readonly scanMs?: number;
  /** Seconds of audio between learner checkpoints. Default 2. */
  readonly checkpointSec?: number;
  /** Seconds of audio between smoothed-model snapshots. Default 1. */
  readonly snapshotSec?: number;
  /** Output and model streams are capped at about this many entries. Default 100 000. */
  readonly outputCap?: number;
  /**
   * The model of the `single` streams this server starts: `'prior'` (default,
   * {@link DEFAULT_SINGLE_STREAM_MODEL}: the speech prior that `denoise` runs) or `'online'` (the
   * prior-free online denoiser). A stream keeps the model it started with: a server continues a
   * stream of the other model from its checkpoint with that model.
   */
  readonly singleModel?: SingleStreamModel;
  /** Most streams this server owns. Default: its fair share. */
  readonly maxStreams?: number;
  /** Server id. Default `<host>:<pid>:<random>`. */
  readonly name?: string;
  /** Stream events (taken over, ended, lost). */
  readonly onEvent?: (event: ServeEvent) => void;
}

export type ServeEvent =
  | {
      readonly kind: 'owned';
      readonly stream: string;
      readonly resumedFromSeq: number | null;
      readonly claimed: number;
      /** The stream's model after the takeover (null: chosen by its next frame). */
      readonly model: ServedModel | null;
    }
  | ({ readonly kind: 'restarted'; readonly stream: string } & OwnerRestart)
  | { readonly kind: 'ended'; readonly stream: string; readonly dropped: number }
  | { readonly kind: 'lost'; readonly stream: string };

export interface StreamServer {
  readonly name: string;
  /** Ids of the streams this server owns now. */
  owned(): string[];
  /** Stops: releases the leases after a last checkpoint (others take over at once). */
  close(): Promise<void>;
}

interface Owned {
  readonly keys: StreamKeys;
  readonly owner: StreamOwner;
  ready: boolean;
}

type RawEntry = [Buffer, Buffer[]];

/** Starts a server (see the module doc). */
export async function serveStreams(options: ServeOptions): Promise<StreamServer> {
  const server = new Server(options);
  await server.start();
  return server;
}

class Server implements StreamServer {
  readonly name: string;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private cmd!: Redis;
  private reader!: Redis;
  private readonly streams = new Map<string, Owned>();
  private readonly timers: NodeJS.Timeout[] = [];
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private scanning = false;
  private readonly shas = new Map<string, string>();

  constructor(private readonly options: ServeOptions) {
    this.name = options.name ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.prefix = options.prefix ?? STREAM_PREFIX;
    this.leaseMs = options.leaseMs ?? 1000;
    const m = options.singleModel ?? DEFAULT_SINGLE_STREAM_MODEL;
    if (!SINGLE_STREAM_MODELS.includes(m)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `serveStreams: \`singleModel\` must be ${SINGLE_STREAM_MODELS.map((v) => `'${v}'`).join(' or ')}. Received: ${String(m)}`,
      );
    }
  }

  owned(): string[] {
    return [...this.streams.keys()];
  }

  async start(): Promise<void> {
    // Loaded on demand: the Redis client is only needed by the serving commands.
    const { Redis } = await import('ioredis');
    const connect = () => {
      const r = new Redis(this.options.redis, { maxRetriesPerRequest: null, lazyConnect: true });
      // Connection errors are retried by the client (a Redis restart); keep them from crashing the process.
      r.on('error', () => {});
      return r;
    };
    this.cmd = connect();
    this.reader = connect();
    await Promise.all([this.cmd.connect(), this.reader.connect()]);
    await this.heartbeat();
    const every = (ms: number, fn: () => Promise<void>) => {
      this.timers.push(setInterval(() => void fn().catch(() => {}), ms));
    };
    every(Math.max(50, Math.floor(this.leaseMs / 3)), () => this.renew());
    every(this.options.scanMs ?? 100, () => this.scan());
    void this.scan().catch(() => {});
    this.loop = this.readLoop();
  }

  /** Runs a Lua script by its SHA (loaded once; loaded again after a Redis restart). */
  private async script(lua: string, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
    let sha = this.shas.get(lua);
    if (!sha) {
      sha = (await this.cmd.script('LOAD', lua)) as string;
      this.shas.set(lua, sha);
    }
    try {
      return await this.cmd.evalsha(sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e as Error).message.includes('NOSCRIPT')) throw e;
      this.shas.delete(lua);
      return this.script(lua, keys, args);
    }
  }

  private async heartbeat(): Promise<void> {
    await this.cmd.zadd(`${this.prefix}:servers`, Date.now(), this.name);
  }

  /** Renews our leases (and heartbeat); a stream whose lease is gone is dropped at once. */
  private async renew(): Promise<void> {
    await this.heartbeat();
    for (const [id, s] of this.streams) {
      const ok = await this.script(RENEW, [s.keys.lease], [this.name, this.leaseMs]);
      if (ok !== 1) this.drop(id, true);
    }
  }

  private drop(id: string, lost: boolean): void {
    const s = this.streams.get(id);
    if (!s) return;
    s.owner.stop();
    this.streams.delete(id);
    if (lost) this.options.onEvent?.({ kind: 'lost', stream: id });
  }

  /** Takes streams without a live owner, up to the fair share. */
  private async scan(): Promise<void> {
    if (this.scanning || !this.running) return;
    this.scanning = true;
    try {
      const ids = (await this.cmd.smembers(`${this.prefix}:streams`)).sort();
      const now = Date.now();
      await this.cmd.zremrangebyscore(`${this.prefix}:servers`, 0, now - 3 * this.leaseMs);
      const live = Math.max(1, await this.cmd.zcount(`${this.prefix}:servers`, now - 2 * this.leaseMs, '+inf'));
      const share = Math.min(this.options.maxStreams ?? Number.POSITIVE_INFINITY, Math.ceil(ids.length / live));
      for (const id of ids) {
        if (!this.running || this.streams.size >= share) break;
        if (this.streams.has(id)) continue;
        const keys = streamKeys(id, this.prefix);
        const got = await this.cmd.set(keys.lease, this.name, 'PX', this.leaseMs, 'NX');
        if (got === 'OK') await this.takeOver(id, keys);
      }
    } finally {
      this.scanning = false;
    }
  }

  /** Becomes the owner of `id`: checkpoint, then the pending entries of any earlier owner. */
  private async takeOver(id: string, keys: StreamKeys): Promise<void> {
    await this.cmd.xgroup('CREATE', keys.input, SERVE_GROUP, '0', 'MKSTREAM').catch(() => {}); // BUSYGROUP: exists
    const ck = await this.cmd.hgetallBuffer(keys.checkpoint);
    const last = (await this.cmd.xrevrangeBuffer(keys.output, '+', '-', 'COUNT', 1)) as RawEntry[];
    const lastFields = last[0] ? entryFields(last[0][1]) : null;
    if (lastFields?.get('end')?.toString() === '1') {
      await this.finish(id, keys);
      return;
    }
    const resume: OwnerResume = {
      checkpoint: ck.seq
        ? {
            state: ck.state && ck.state.length > 0 ? ck.state : null,
            model: ck.model?.toString() ?? 'single',
            version: ck.version?.toString() ?? '',
            seq: Number(ck.seq.toString()),
            rate: Number(ck.rate?.toString() ?? 0),
            dropped: Number(ck.dropped?.toString() ?? 0),
          }
        : null,
      lastOutputSeq: lastFields ? Number(lastFields.get('seq')?.toString()) : -1,
    };
    const owner = new StreamOwner(
      id,
      resume,
      { checkpointSec: this.options.checkpointSec ?? 2, snapshotSec: this.options.snapshotSec ?? 1 },
      this.options.singleModel ?? DEFAULT_SINGLE_STREAM_MODEL,
    );
    if (owner.restarted) this.options.onEvent?.({ kind: 'restarted', stream: id, ...owner.restarted });
    const resumedModel = owner.modelName;
    const entry: Owned = { keys, owner, ready: false };
    this.streams.set(id, entry);
    const claimed = await this.replayPending(entry);
    // Only now does the read loop take new entries of this stream: the pending ones came first.
    entry.ready = true;
    this.options.onEvent?.({
      kind: 'owned',
      stream: id,
      resumedFromSeq: resume.checkpoint && !owner.restarted ? resume.checkpoint.seq : null,
      claimed,
      model: owner.modelName ?? resumedModel,
    });
  }

  /** Claims every pending entry of the group for us and processes them in order. */
  private async replayPending(s: Owned): Promise<number> {
    let cursor = '0-0';
    do {
      const r = (await this.cmd.call('XAUTOCLAIM', s.keys.input, SERVE_GROUP, this.name, 0, cursor, 'COUNT', 1000)) as [
        string,
        unknown,
      ];
      cursor = r[0];
    } while (cursor !== '0-0');
    let after = '0-0';
    let count = 0;
    for (;;) {
      const res = (await this.cmd.xreadgroupBuffer(
        'GROUP',
        SERVE_GROUP,
        this.name,
        'COUNT',
        512,
        'STREAMS',
        s.keys.input,
        after,
      )) as [Buffer, RawEntry[]][] | null;
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      count += entries.length;
      after = entries[entries.length - 1]![0].toString();
      await this.apply(s, entries);
      if (!this.streams.has(s.owner.id)) break;
    }
    return count;
  }

  /** Runs a batch through the owner and writes the result (fenced by the lease). */
  private async apply(s: Owned, entries: RawEntry[], force = false): Promise<void> {
    const writes = s.owner.process(
      entries.map(([id, f]) => [id, entryFields(f ?? [])] as [Buffer, Map<string, Buffer>]),
      force,
    );
    const ok = await this.write(s, writes);
    if (!ok) this.drop(s.owner.id, true);
    else if (writes.ended) {
      this.options.onEvent?.({ kind: 'ended', stream: s.owner.id, dropped: s.owner.droppedFrames });
      s.owner.stop();
      this.streams.delete(s.owner.id);
      await this.finish(s.owner.id, s.keys);
    }
  }

  private async write(s: Owned, w: OwnerWrites): Promise<boolean> {
    const cp = w.checkpoint;
    const args: (string | number | Buffer)[] = [
      this.name,
      this.options.outputCap ?? 100_000,
      SERVE_GROUP,
      w.outputs.length,
      w.snapshots.length,
      cp ? cp.ack.length : 0,
      cp ? cp.seq : '',
      cp?.state ?? '',
      cp ? cp.rate : 0,
      cp ? cp.dropped : s.owner.droppedFrames,
      w.ended ? '1' : '0',
      cp ? cp.model : '',
      cp ? cp.version : '',
    ];
    for (const [seq, pcm] of w.outputs) args.push(seq, pcm);
    for (const [seq, it, weights] of w.snapshots) args.push(seq, it, weights);
    if (cp) args.push(...cp.ack);
    const k = s.keys;
    return (await this.script(WRITE, [k.lease, k.output, k.model, k.checkpoint, k.input], args)) === 1;
  }

  /** A finished stream: no owner, out of the registry; its keys expire after an hour. */
  private async finish(id: string, keys: StreamKeys): Promise<void> {
    await this.cmd
      .multi()
      .srem(keys.registry, id)
      .del(keys.lease, keys.checkpoint)
      .expire(keys.input, 3600)
      .expire(keys.output, 3600)
      .expire(keys.model, 3600)
      .exec();
  }

  /** One blocking read over all owned streams, then the writes, until closed. */
  private async readLoop(): Promise<void> {
    while (this.running) {
      const owned = [...this.streams.values()].filter((s) => s.ready);
      if (owned.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      let res: [Buffer, RawEntry[]][] | null = null;
      try {
        res = (await this.reader.xreadgroupBuffer(
          'GROUP',
          SERVE_GROUP,
          this.name,
          'COUNT',
          256,
          'BLOCK',
          50,
          'STREAMS',
          ...owned.map((s) => s.keys.input),
          ...owned.map(() => '>'),
        )) as [Buffer, RawEntry[]][] | null;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      for (const [key, entries] of res ?? []) {
        const s = owned.find((o) => o.keys.input === key.toString());
        if (s && this.streams.get(s.owner.id) === s) await this.apply(s, entries);
      }
    }
  }

  async close(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    await this.loop;
    for (const [id, s] of this.streams) {
      await this.apply(s, [], true).catch(() => {});
      await this.script(RELEASE, [s.keys.lease], [this.name]).catch(() => {});
      this.drop(id, false);
    }
    await this.cmd.zrem(`${this.prefix}:servers`, this.name).catch(() => {});
    this.cmd.disconnect();
    this.reader.disconnect();
  }
}
