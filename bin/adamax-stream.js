#!/usr/bin/env node
// The `adamax-stream` command: runs the compiled CLI (dist/src/cli/main.js) and exits with its code.
// In a source checkout without a build (`npm ci` then `npx adamax-stream …`) it runs the TypeScript
// sources through tsx (a devDependency) instead.
import { existsSync } from 'node:fs';

const mainUrl = new URL('../dist/src/cli/main.js', import.meta.url);
const sourceUrl = new URL('../src/cli/main.ts', import.meta.url);
let entry = mainUrl;
if (!existsSync(mainUrl)) {
  let register;
  if (existsSync(sourceUrl)) {
    try {
      ({ register } = await import('tsx/esm/api'));
    } catch {
      register = undefined;
    }
  }
  if (register === undefined) {
    process.stderr.write('adamax-stream: the compiled CLI is missing (dist/src/cli/main.js); run npm run build\n');
    process.exit(1);
  }
  register();
  entry = sourceUrl;
}
// `adamax-stream … | head`: a closed stdout is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
