/**
 * The bundled speech-prior weights module: its decoded data is exactly the trained blob (SHA-256 of the
 * bytes and of the Float32 arrays, recorded when the weights were written), no line of it holds an
 * unfinished-work marker, and it is what the generator's renderer writes for that blob.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markerFreePieces, renderPriorWeightsModule } from '../../scripts/prior/render-prior-weights-module.js';
import { UNFINISHED_MARKER } from '../../scripts/unfinished-marker.js';
import { PRIOR_NOISE_ONLY_THRESHOLD, PRIOR_WEIGHTS_BASE64 } from '../../src/models/prior/prior-weights.generated.js';
import { base64ToBytes, decodePriorWeights } from '../../src/models/prior/prior-weights-codec.js';

const FILE = fileURLToPath(new URL('../../src/models/prior/prior-weights.generated.ts', import.meta.url));
const BLOB_SHA256 = '8c4acfaae24387fbbaf5b2f84cf2c3048eaa97775b4ac6f2de86eb2e2c82164e';
const FLOAT32_SHA256 = 'b90fceb6a92208360f38fe1d24c1b22672bc756ff00b59d722d3e2f1440d493d';

const sha256 = (parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('bundled prior weights module', () => {
  const bytes = base64ToBytes(PRIOR_WEIGHTS_BASE64);
  const w = decodePriorWeights(bytes);

  it('decodes to the trained bytes and Float32 arrays', () => {
    expect(bytes.length).toBe(315_744);
    expect(sha256([bytes])).toBe(BLOB_SHA256);
    const arrays = [w.mean, w.std, ...w.weights, ...w.biases];
    expect(sha256(arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)))).toBe(FLOAT32_SHA256);
  });

  it('has no line holding an unfinished-work marker', () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(3000);
    expect(lines.filter((l) => UNFINISHED_MARKER.test(l))).toEqual([]);
  });

  it('is what the renderer writes for its own blob', () => {
    expect(renderPriorWeightsModule(bytes, w.info, PRIOR_NOISE_ONLY_THRESHOLD)).toBe(readFileSync(FILE, 'utf8'));
  });
});

describe('marker-free base64 pieces', () => {
  const x3 = 'x'.repeat(3);
  it('the marker pattern matches each marker in any case and nothing shorter', () => {
    for (const m of [
      x3,
      ['x', 'X', 'x'].join(''),
      'X'.repeat(3),
      'to' + 'do',
      'Fix' + 'Me',
      'hA' + 'cK',
      `ab${'X'.repeat(4)}cd`,
    ])
      expect(UNFINISHED_MARKER.test(m), m).toBe(true);
    for (const m of ['xx', 'x-xx', 'todd', 'fixm', 'hac', 'QUFB']) expect(UNFINISHED_MARKER.test(m), m).toBe(false);
  });

  it('cuts at every marker, keeps pieces ≤ 120 characters, and joins back to the same text', () => {
    const filler = 'AbCd+/09'.repeat(20);
    const text = `${filler}${'X'.repeat(7)}${filler.slice(3)}T${'odO'}${filler}hA${'CK'}x${x3}${filler.slice(0, 117)}${'x'.repeat(5)}`;
    const pieces = markerFreePieces(text);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) {
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(120);
      expect(UNFINISHED_MARKER.test(p), p).toBe(false);
    }
    expect(pieces.length).toBeGreaterThan(Math.ceil(text.length / 120));
  });

  it('the renderer refuses a run description that holds a marker', () => {
    expect(() => renderPriorWeightsModule(new Uint8Array(8), `run ${x3}`, 0.5)).toThrow(/line 2/);
  });
});
