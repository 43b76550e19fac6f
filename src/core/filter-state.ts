/**
 * The complete state of an adaptive filter (or any object built of numbers, booleans and typed
 * arrays), as bytes: what a live stream's checkpoint stores for a filter that has no state
 * methods of its own (the reference canceller, whichever design the factory builds).
 *
 * The state is every number, boolean and typed array reachable from the object through its own
 * enumerable properties, in a deterministic walk (property order, array order; an object reached
 * twice is recorded once, as an alias). Strings, `null`/`undefined`, functions and aliases make
 * the object's *shape*, stored with the state and checked on restore: the state only restores into
 * an object built the same way (same factory, config and rate). Maps and Sets are skipped (caches,
 * warnings already given). Typed arrays are copied by value into the target's own arrays (views
 * into a kernel arena stay views into the target's arena).
 *
 * A filter whose state hides elsewhere (closures, `#private` fields, memory without a view) would
 * not round-trip; the tests run every canceller design through capture → restore → continue and
 * compare the outputs bit for bit.
 */
import { AdamaxStreamError } from './errors.js';

type Leaf =
  | { readonly path: string; readonly kind: 'number' | 'boolean' | 'string' }
  | { readonly path: string; readonly kind: 'array'; readonly type: string; readonly bytes: number }
  | { readonly path: string; readonly kind: 'shape'; readonly value: string };

const MAGIC = 'adamax-stream/filter-state@1';

type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint32Array | Int16Array | Uint16Array;

/** Visits the reachable values of `root` in a fixed order. */
function walk(
  root: object,
  visit: (leaf: Leaf, holder: Record<string, unknown>, key: string) => void,
  onObject: (path: string, holder: Record<string, unknown>, key: string) => void = () => {},
): void {
  const seen = new Map<object, string>();
  /** The leaf of a value, the object to descend into, or null (skipped). */
  const classify = (v: unknown, path: string): { leaf: Leaf } | { object: object } | null => {
    const t = typeof v;
    if (t === 'number' || t === 'boolean' || t === 'string') return { leaf: { path, kind: t as 'number' } };
    if (v === null || v === undefined || t === 'function' || t === 'symbol' || t === 'bigint') {
      return { leaf: { path, kind: 'shape', value: t === 'function' ? 'fn' : String(v) } };
    }
    const o = v as object;
    const first = seen.get(o);
    if (first !== undefined) return { leaf: { path, kind: 'shape', value: `alias:${first}` } };
    seen.set(o, path);
    if (ArrayBuffer.isView(o)) {
      const a = o as TypedArray;
      return { leaf: { path, kind: 'array', type: a.constructor.name, bytes: a.byteLength } };
    }
    if (o instanceof Map || o instanceof Set || o instanceof ArrayBuffer || o instanceof WeakMap) return null;
    return { object: o };
  };
  const go = (holder: Record<string, unknown>, key: string, path: string): void => {
    const c = classify(holder[key], path);
    if (c === null) return;
    if ('leaf' in c) {
      visit(c.leaf, holder, key);
      return;
    }
    onObject(path, holder, key);
    for (const k of Object.keys(c.object)) go(c.object as Record<string, unknown>, k, `${path}.${k}`);
  };
  go({ root }, 'root', '');
}

/** Byte views of a typed array (its own bytes, not the whole buffer). */
const bytesOf = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Captures and restores the state of a filter (see the module doc). */
export class FilterState {
  /** The state of `filter` as bytes: a JSON header (shape and strings), the numbers, the arrays. */
  static capture(filter: object): Uint8Array {
    const leaves: Leaf[] = [];
    const strings: string[] = [];
    const numbers: number[] = [];
    const arrays: Uint8Array[] = [];
    walk(filter, (leaf, holder, key) => {
      leaves.push(leaf);
      if (leaf.kind === 'number' || leaf.kind === 'boolean') numbers.push(Number(holder[key]));
      else if (leaf.kind === 'string') strings.push(holder[key] as string);
      else if (leaf.kind === 'array') arrays.push(bytesOf(holder[key] as TypedArray));
    });
    const header = new TextEncoder().encode(JSON.stringify({ magic: MAGIC, leaves, strings }));
    const headerBytes = (header.length + 8 + 7) & ~7;
    const arrayBytes = arrays.reduce((n, a) => n + ((a.length + 7) & ~7), 0);
    const out = new Uint8Array(headerBytes + numbers.length * 8 + arrayBytes);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 8);
    const nums = new DataView(out.buffer, headerBytes, numbers.length * 8);
    for (let i = 0; i < numbers.length; i++) nums.setFloat64(i * 8, numbers[i]!, true);
    let at = headerBytes + numbers.length * 8;
    for (const a of arrays) {
      out.set(a, at);
      at += (a.length + 7) & ~7;
    }
    return out;
  }

  /**
   * Writes a captured state into `filter`, built the same way as the captured one and past the
   * same lazy set-up (a filter that processed at least one frame).
   * @throws AdamaxStreamError `checkpoint_invalid` when the bytes are not a filter state or the
   * filter's shape differs (another design, config or rate); the filter is then left unchanged.
   */
  static restore(filter: object, state: Uint8Array): void {
    const fail = (why: string): never => {
      throw new AdamaxStreamError('checkpoint_invalid', `Cannot restore the filter state: ${why}.`);
    };
    if (state.length < 8) fail(`${state.length} bytes is too short`);
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const headerLength = view.getUint32(0, true);
    let header: { magic?: unknown; leaves?: Leaf[]; strings?: string[] } = {};
    try {
      header = JSON.parse(new TextDecoder().decode(state.subarray(8, 8 + headerLength)));
    } catch {
      fail('the header is not JSON');
    }
    const saved = header.leaves;
    const strings = header.strings;
    if (header.magic !== MAGIC || !Array.isArray(saved) || !Array.isArray(strings)) fail(`not a ${MAGIC} record`);
    const found: { leaf: Leaf; holder: Record<string, unknown>; key: string }[] = [];
    const objects = new Map<string, { holder: Record<string, unknown>; key: string }>();
    walk(
      filter,
      (leaf, holder, key) => {
        found.push({ leaf, holder, key });
      },
      (path, holder, key) => objects.set(path, { holder, key }),
    );
    // Pair the saved values with the filter's. A part the saved filter had not built yet (null,
    // lazily built later, e.g. a scratch workspace) is dropped from this one: it is built again,
    // fresh, when needed, exactly as it would have been in the saved filter.
    const targets: typeof found = [];
    const unbuild: { holder: Record<string, unknown>; key: string }[] = [];
    let j = 0;
    for (let i = 0; i < saved!.length; i++) {
      const want = saved![i]!;
      const lazy = want.kind === 'shape' && (want.value === 'null' || want.value === 'undefined');
      const obj = lazy ? objects.get(want.path) : undefined;
      if (obj) {
        unbuild.push(obj);
        while (j < found.length && `${found[j]!.leaf.path}.`.startsWith(`${want.path}.`)) j++;
        continue;
      }
      const got = found[j++];
      if (!got || JSON.stringify(got.leaf) !== JSON.stringify(want)) {
        fail(`at ${want.path}: saved ${JSON.stringify(want)}, found ${got ? JSON.stringify(got.leaf) : 'nothing'}`);
      }
      targets.push(got!);
    }
    if (j !== found.length) fail(`the filter has more values than saved (from ${found[j]!.leaf.path})`);
    const headerBytes = (headerLength + 8 + 7) & ~7;
    const count = saved!.filter((l) => l.kind === 'number' || l.kind === 'boolean').length;
    let num = headerBytes;
    let at = headerBytes + count * 8;
    const expected = at + saved!.reduce((n, l) => n + (l.kind === 'array' ? (l.bytes + 7) & ~7 : 0), 0);
    if (state.length !== expected) fail(`${state.length} bytes, the shape needs ${expected}`);
    let str = 0;
    const set = (holder: Record<string, unknown>, key: string, value: unknown) => {
      // Equal values are not written (a frozen config object stays untouched).
      if (!Object.is(holder[key], value)) holder[key] = value;
    };
    for (const { holder, key } of unbuild) holder[key] = null;
    for (const { leaf, holder, key } of targets) {
      if (leaf.kind === 'number' || leaf.kind === 'boolean') {
        const v = view.getFloat64(num, true);
        num += 8;
        set(holder, key, leaf.kind === 'boolean' ? v !== 0 : v);
      } else if (leaf.kind === 'string') set(holder, key, strings![str++]);
      else if (leaf.kind === 'array') {
        bytesOf(holder[key] as TypedArray).set(state.subarray(at, at + leaf.bytes));
        at += (leaf.bytes + 7) & ~7;
      }
    }
  }
}
