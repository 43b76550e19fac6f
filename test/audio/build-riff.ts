/** One RIFF chunk for {@link buildRiff}: a four-character id and its body. */
export interface RiffChunk {
  readonly id: string;
  readonly body: Uint8Array;
  /** Size written in the chunk header; default `body.length` (set larger to fake a truncated file). */
  readonly declaredSize?: number;
}

/**
 * Test helper: assembles a RIFF/WAVE file from chunks, adding the pad byte after odd-sized bodies,
 * so tests can build headers that encodeWav never writes (EXTENSIBLE, LIST, odd sizes, lies).
 */
export function buildRiff(chunks: readonly RiffChunk[]): Uint8Array {
  const total = 12 + chunks.reduce((n, c) => n + 8 + c.body.length + (c.body.length & 1), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  ascii(8, 'WAVE');
  let at = 12;
  for (const c of chunks) {
    ascii(at, c.id);
    view.setUint32(at + 4, c.declaredSize ?? c.body.length, true);
    out.set(c.body, at + 8);
    at += 8 + c.body.length + (c.body.length & 1);
  }
  return out;
}
