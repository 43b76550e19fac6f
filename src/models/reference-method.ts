/** Reference-track methods: `'fd-adamax'` (default, `REFERENCE_DEFAULTS`) or `'nlms'` (baseline). */
export type ReferenceMethod = 'fd-adamax' | 'nlms';
export const REFERENCE_METHODS: readonly ReferenceMethod[] = ['fd-adamax', 'nlms'];
