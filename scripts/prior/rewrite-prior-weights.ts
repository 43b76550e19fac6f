/**
 * Re-emits src/models/prior/prior-weights.generated.ts from its own data, without retraining: decodes
 * the bundled blob and writes it again through the current renderer (the same bytes, run description
 * and threshold). Use it after a change of the module's layout.
 *
 *   npx tsx scripts/prior/rewrite-prior-weights.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRIOR_NOISE_ONLY_THRESHOLD, PRIOR_WEIGHTS_BASE64 } from '../../src/models/prior/prior-weights.generated.js';
import { base64ToBytes, decodePriorWeights } from '../../src/models/prior/prior-weights-codec.js';
import { renderPriorWeightsModule } from './render-prior-weights-module.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = join(root, 'src', 'models', 'prior', 'prior-weights.generated.ts');
const bytes = base64ToBytes(PRIOR_WEIGHTS_BASE64);
writeFileSync(file, renderPriorWeightsModule(bytes, decodePriorWeights(bytes).info, PRIOR_NOISE_ONLY_THRESHOLD));
console.error(`wrote ${file} (${bytes.length} bytes of weights)`);
