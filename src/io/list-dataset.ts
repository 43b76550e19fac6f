/**
 * The recordings of a dataset, from a folder or a manifest:
 * - a **folder**: every `*.wav` is a noisy recording, except `<name>.clean.wav` (its clean track),
 *   `<name>.ref.wav` (its noise reference: the file is then denoised by reference cancellation) and
 *   `<name>.denoised.wav` (outputs of an earlier run). Sorted by file name.
 * - a **manifest**: `.jsonl` (one object per line: `{"noisy": …, "clean"?: …, "reference"?: …, "name"?: …}`)
 *   or `.csv` (a header row with the columns `noisy`, optional `clean`, `reference`, `name`). Paths are
 *   relative to the manifest's folder. Kept in manifest order. Blank lines and `#` comment lines are
 *   skipped. Equal names get a suffix (`-2`, `-3` …) so that every name is unique.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { AdamaxStreamError } from '../core/errors.js';
import { splitCsvLine } from './split-csv-line.js';

/** One recording of a dataset. */
export interface DatasetItem {
  /** Unique name (output file `<name>.denoised.wav`, key of the state file). */
  readonly name: string;
  readonly noisy: string;
  readonly clean?: string;
  readonly reference?: string;
}

const SIBLING = /\.(clean|ref|denoised)\.wav$/i;

const usage = (message: string) => new AdamaxStreamError('invalid_argument', message);

function uniqueNames(items: { name: string; noisy: string; clean?: string; reference?: string }[]): DatasetItem[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = seen.get(it.name) ?? 0;
    seen.set(it.name, n + 1);
    return n === 0 ? it : { ...it, name: `${it.name}-${n + 1}` };
  });
}

/**
 * Lists the recordings of a folder or a manifest (the naming rules are above).
 * @throws AdamaxStreamError (`usage`) for a missing source, a bad manifest or an empty dataset.
 */
export async function listDataset(source: string): Promise<DatasetItem[]> {
  if (!existsSync(source)) throw new AdamaxStreamError('io', `Dataset not found: ${source}`);
  const ext = extname(source).toLowerCase();
  let entries: { name: string; noisy: string; clean?: string; reference?: string }[];
  if (ext === '.jsonl' || ext === '.csv') {
    const base = dirname(resolve(source));
    const abs = (p: string) => (isAbsolute(p) ? p : join(base, p));
    const text = await readFile(source, 'utf8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0 && !l.trimStart().startsWith('#'));
    const rows: Record<string, string>[] = [];
    if (ext === '.jsonl') {
      lines.forEach((line, i) => {
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch {
          throw usage(`${source}: line ${i + 1} is not JSON.`);
        }
        if (typeof obj !== 'object' || obj === null) throw usage(`${source}: line ${i + 1} is not an object.`);
        rows.push(obj as Record<string, string>);
      });
    } else {
      const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
      if (!header.includes('noisy')) throw usage(`${source}: the CSV header needs a 'noisy' column.`);
      for (const line of lines.slice(1)) {
        const cells = splitCsvLine(line);
        const row: Record<string, string> = {};
        header.forEach((h, k) => {
          if (cells[k]) row[h] = cells[k]!;
        });
        rows.push(row);
      }
    }
    entries = rows.map((r, i) => {
      if (typeof r.noisy !== 'string' || r.noisy.length === 0) throw usage(`${source}: entry ${i + 1} has no 'noisy'.`);
      const e: { name: string; noisy: string; clean?: string; reference?: string } = {
        name: typeof r.name === 'string' && r.name ? r.name : basename(r.noisy, extname(r.noisy)),
        noisy: abs(r.noisy),
      };
      if (typeof r.clean === 'string' && r.clean) e.clean = abs(r.clean);
      if (typeof r.reference === 'string' && r.reference) e.reference = abs(r.reference);
      return e;
    });
  } else {
    const names = (await readdir(source)).sort();
    const set = new Set(names);
    entries = names
      .filter((f) => /\.wav$/i.test(f) && !SIBLING.test(f))
      .map((f) => {
        const stem = f.slice(0, -4);
        const e: { name: string; noisy: string; clean?: string; reference?: string } = {
          name: stem,
          noisy: join(source, f),
        };
        if (set.has(`${stem}.clean.wav`)) e.clean = join(source, `${stem}.clean.wav`);
        if (set.has(`${stem}.ref.wav`)) e.reference = join(source, `${stem}.ref.wav`);
        return e;
      });
  }
  if (entries.length === 0) throw usage(`No recordings in ${source} (expected *.wav files or manifest entries).`);
  return uniqueNames(entries);
}
