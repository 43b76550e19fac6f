// Worker-thread entry of the abrupt-noise-v2 benchmark: registers tsx in this thread, then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./v2-worker.ts');
