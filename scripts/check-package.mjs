// Packaging check (run by .ci/run; `npm run check:package`): packs the package, installs the
// tarball into an empty temporary folder (its dependencies from the local npm cache when there),
// then imports every subpath (ESM), type-checks a consumer with `tsc --strict` (NodeNext), loads the
// browser bundle's files and runs the bin. Prints `package: N passed, N failed`; exit 1 on a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'adamax-pack-'));
const app = join(work, 'app');
let passed = 0;
let failed = 0;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n${String(e.stderr ?? '')}${String(e.stdout ?? '')}${e.message}`);
  }
}

let tarball = '';
check('npm run build, npm pack', () => {
  run('npm', ['run', 'build'], root);
  const out = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
  tarball = join(work, out[0].filename);
  const files = new Set(out[0].files.map((f) => f.path));
  for (const f of [
    'LICENSE',
    'README.md',
    'bin/adamax-stream.js',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/src/node/index.js',
    'dist/src/node/index.d.ts',
    'dist/src/web/index.d.ts',
    'dist/web/index.js',
    'dist/web/denoiser-processor.js',
    'dist/pipelines/replay-pool-worker.bundle.js',
  ]) {
    if (!files.has(f)) throw new Error(`the tarball lacks ${f}`);
  }
  for (const f of files)
    if (/^(src|test\/(?!fixtures)|bench|scripts|node_modules)\//.test(f) || f.endsWith('.map'))
      throw new Error(`the tarball ships ${f}`);
});

check('install the tarball into an empty folder', () => {
  run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@20'], app);
});

check('import every subpath (ESM)', () => {
  writeFileSync(
    join(app, 'smoke.mjs'),
    `import * as core from 'adamax-stream';
import * as node from 'adamax-stream/node';
import * as web from 'adamax-stream/web';
const need = { core: ['Adamax', 'learn', 'OnlineDenoiser', 'createReferenceCanceller', 'siSdr', 'encodeWav'], node: ['denoiseSingleChannel', 'replayDataset', 'cancelWithReference', 'decodeAudioFile', 'readCheckpoint', 'checkpoints'], web: ['createDenoiserNode', 'resolveDenoiserConfig'] };
const got = { core, node, web };
for (const [k, names] of Object.entries(need)) for (const n of names) if (typeof got[k][n] !== 'function') throw new Error(k + ' lacks ' + n);
for (const n of ['EULER_MASCHERONI', 'expint1', 'wolaFrame', 'RealFft', 'decodeAudioFile']) if (n in core) throw new Error('root exports internal ' + n);
const cfg = web.resolveDenoiserConfig({ mode: 'reference' }, 48000);
if (cfg.mode !== 'reference') throw new Error('config');
console.log('imports ok');
`,
  );
  run(process.execPath, ['smoke.mjs'], app);
});

check('types of every subpath (tsc --strict, NodeNext)', () => {
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { Adamax, type AdamaxOptions, OnlineDenoiser, siSdr } from 'adamax-stream';
import { type SingleChannelDenoiseOptions, denoiseSingleChannel, decodeAudioFile } from 'adamax-stream/node';
import { createDenoiserNode, type DenoiserNodeOptions, type DenoiserStats } from 'adamax-stream/web';
const o: AdamaxOptions = { learningRate: 0.01 };
const opt = new Adamax(o);
const den = new OnlineDenoiser({ sampleRate: 16000 });
const q: number = siSdr(new Float32Array(4).fill(1), new Float32Array(4).fill(1));
const n: DenoiserNodeOptions = { mode: 'single', learningRate: 0.1 };
type S = DenoiserStats['reductionDb'];
export async function f(ctx: BaseAudioContext, opts: SingleChannelDenoiseOptions) {
  const node = await createDenoiserNode(ctx, n);
  node.stats$.subscribe((s: DenoiserStats) => s.reductionDb);
  const a = await decodeAudioFile('x.wav');
  return [opt, den, q, node.node, a, await denoiseSingleChannel(opts)] as const;
}
export type { S };
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: ['node'],
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  );
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
});

check('the browser bundle has no bare import', () => {
  const dir = join(app, 'node_modules', 'adamax-stream', 'dist', 'web');
  for (const f of ['index.js', 'denoiser-processor.js']) {
    if (/^\s*import[\s{*"']|\bimport\s*\(/m.test(readFileSync(join(dir, f), 'utf8')))
      throw new Error(`${f} has an import`);
  }
});

check('the bin runs (npx adamax-stream --help)', () => {
  const out = run('npx', ['--no-install', 'adamax-stream', '--help'], app);
  if (!/Usage/.test(out)) throw new Error(`unexpected output: ${out}`);
});

check('the installed package replays with --workers 2 (main thread + the bundled pool thread)', () => {
  // two short noisy files written with the installed package's own encoder
  const data = join(app, 'replay-data');
  const script = `import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeWav } from 'adamax-stream';
mkdirSync(${JSON.stringify(data)}, { recursive: true });
for (const k of [1, 2]) {
  const x = new Float32Array(16000);
  let s = k;
  for (let i = 0; i < x.length; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = 0.1 * Math.sin(i * 0.05 * k) + 0.05 * (s / 2147483647 - 0.5);
  }
  writeFileSync(${JSON.stringify(data)} + '/clip' + k + '.wav', encodeWav([x], 16000, { format: 'float32' }));
}`;
  writeFileSync(join(app, 'make-data.mjs'), script);
  run(process.execPath, [join(app, 'make-data.mjs')], app);
  const out = join(app, 'replay-out');
  const log = run(
    'npx',
    ['--no-install', 'adamax-stream', 'replay', data, '--out', out, '--workers', '2', '--no-stoi'],
    app,
  );
  for (const k of [1, 2]) readFileSync(join(out, `clip${k}.denoised.wav`));
  if (!/2\/2 files/.test(log)) throw new Error(`unexpected output: ${log}`);
});

rmSync(work, { recursive: true, force: true });
console.log(`package: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
