/** The server entry that the scale benchmark's failover processes import (`serveStreams` of `adamax-stream/node`). */
import { serveStreams } from '../../src/node/index.js';

export { serveStreams };
