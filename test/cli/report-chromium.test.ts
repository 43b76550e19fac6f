/**
 * The HTML report renders in headless Chromium (Debian package `chromium`, installed by .ci/run):
 * a screenshot of the file:// page is taken and must be a real image. Skipped, with the reason,
 * where /usr/bin/chromium is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { runCli } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`report-chromium: skipped — ${CHROMIUM} is not installed (apt-get install -y chromium)`);
}
const dir = mkdtempSync(join(tmpdir(), 'adamax-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(
  skipUnavailable('HTML report in headless Chromium', available ? undefined : `${CHROMIUM} is not installed`),
)(`HTML report in headless Chromium${available ? '' : ' (skipped: /usr/bin/chromium not installed)'}`, () => {
  it('renders to a non-trivial screenshot', async () => {
    const sc = join(dir, 'sc');
    expect((await runCli(['scenario', '--out', sc, '--seconds', '3', '--seed', '2'])).code).toBe(0);
    const report = join(dir, 'report.html');
    const r = await runCli([
      'denoise',
      join(sc, 'noisy.wav'),
      '--reference',
      join(sc, 'reference.wav'),
      '--clean',
      join(sc, 'clean.wav'),
      '--output',
      join(dir, 'out.wav'),
      '--report',
      report,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const png = join(dir, 'report.png');
    await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        '--window-size=1000,2400',
        pathToFileURL(report).href,
      ],
      { timeout: 50_000 },
    );
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(1000); // IHDR width
    expect(bytes.readUInt32BE(20)).toBe(2400); // IHDR height
  }, 60_000);
});
