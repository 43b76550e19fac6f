/** Dev entry: `node --import tsx src/cli/run.ts <command> …` (the published bin runs dist/src/cli/main.js). */
import { main } from './main.js';

// `adamax-stream … | head`: a closed stdout is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
