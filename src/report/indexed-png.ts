import { ShapeError } from '../core/errors.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, from: number, to: number): number {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Writes one chunk (length, type, data, CRC of type + data) at `o`; returns the offset after it. */
function chunk(out: Uint8Array, o: number, type: string, data: Uint8Array): number {
  const v = new DataView(out.buffer, out.byteOffset);
  v.setUint32(o, data.length);
  for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
  out.set(data, o + 8);
  v.setUint32(o + 8 + data.length, crc32(out, o + 4, o + 8 + data.length));
  return o + 12 + data.length;
}

/** A zlib stream of stored (uncompressed) deflate blocks, with its Adler-32. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const from = b * 65535;
    const len = Math.min(65535, raw.length - from);
    out[o] = b === blocks - 1 ? 1 : 0;
    out[o + 1] = len & 0xff;
    out[o + 2] = len >> 8;
    out[o + 3] = ~len & 0xff;
    out[o + 4] = (~len >> 8) & 0xff;
    out.set(raw.subarray(from, from + len), o + 5);
    o += 5 + len;
  }
  let a = 1;
  let s = 0;
  for (let i = 0; i < raw.length; i++) {
    a = (a + raw[i]!) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(o, ((s << 16) | a) >>> 0);
  return out;
}

/**
 * A palette PNG (colour type 3, 8 bits per pixel) of `width` × `height` palette indices, rows top to
 * bottom. The image data is stored uncompressed (stored deflate blocks): the report's images are
 * small next to its audio, and no compression library is needed in the isomorphic core.
 *
 * @param pixels palette indices, `width * height` of them, row-major.
 * @param palette RGB triples, at most 256 colours.
 * @throws {ShapeError} `pixels` or `palette` of the wrong length, or an index past the palette.
 */
export function indexedPng(pixels: Uint8Array, width: number, height: number, palette: Uint8Array): Uint8Array {
  const colours = palette.length / 3;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    pixels.length !== width * height
  )
    throw new ShapeError(`indexedPng: expected ${width} x ${height} pixels. Received: ${pixels.length} pixels.`);
  if (!Number.isInteger(colours) || colours < 1 || colours > 256)
    throw new ShapeError(`indexedPng: the palette must hold 1 to 256 RGB triples. Received: ${palette.length} bytes.`);
  let top = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > top) top = pixels[i]!;
  if (top >= colours) throw new ShapeError(`indexedPng: pixel index ${top} past the palette of ${colours} colours.`);
  const raw = new Uint8Array((width + 1) * height); // filter byte 0 (none) before each row
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const idat = zlibStored(raw);
  const ihdr = new Uint8Array(13);
  const h = new DataView(ihdr.buffer);
  h.setUint32(0, width);
  h.setUint32(4, height);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const out = new Uint8Array(8 + (12 + 13) + (12 + palette.length) + (12 + idat.length) + 12);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let o = chunk(out, 8, 'IHDR', ihdr);
  o = chunk(out, o, 'PLTE', palette);
  o = chunk(out, o, 'IDAT', idat);
  chunk(out, o, 'IEND', new Uint8Array(0));
  return out;
}
