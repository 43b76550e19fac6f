#!/usr/bin/env node
// Compiles src/core/wasm/adamax-simd.wat with the npm package `wabt` and writes
// src/core/wasm/adamax-simd.generated.ts (the module bytes as base64).
// Usage: npm run build:wasm. The sync test and bench/wasm-ab.ts call compileKernelWat().
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watPath = join(root, 'src/core/wasm/adamax-simd.wat');
const outPath = join(root, 'src/core/wasm/adamax-simd.generated.ts');

/** The module bytes of a kernel source in the text format (names resolved, validated by wabt). */
export async function compileKernelWat(source) {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat('adamax-simd.wat', source, { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = await compileKernelWat(await readFile(watPath, 'utf8'));
  if (!WebAssembly.validate(bytes)) {
    throw new Error('adamax-simd.wat: the wasm engine rejects the compiled module');
  }
  const base64 = Buffer.from(bytes).toString('base64');
  const out = `// GENERATED FILE, DO NOT EDIT.
// Compiled from src/core/wasm/adamax-simd.wat (${bytes.length} bytes of wasm) by scripts/build-wasm.mjs.
// Regenerate with \`npm run build:wasm\`; test/core/adamax-wasm.test.ts checks that it is in sync.
export const ADAMAX_SIMD_WASM_BASE64 = '${base64}';
`;
  await writeFile(outPath, out);
  console.log(`wrote ${outPath} (${bytes.length} bytes of wasm)`);
}
