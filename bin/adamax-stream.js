#!/usr/bin/env node
// The `adamax-stream` command: runs the compiled CLI (dist/src/cli/main.js) and exits with its code.
import { existsSync } from 'node:fs';

const mainUrl = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(mainUrl)) {
  process.stderr.write('adamax-stream: the compiled CLI is missing (dist/src/cli/main.js); run npm run build\n');
  process.exit(1);
}
// `adamax-stream … | head`: a closed stdout is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(mainUrl.href);
process.exitCode = await main(process.argv.slice(2));
