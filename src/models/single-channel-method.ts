/**
 * Single-channel methods: `'prior'` (default: the learned speech prior with online adaptation,
 * `SINGLE_CHANNEL_DEFAULTS.prior`, at the file's own rate), `'online'` (the prior-free online
 * denoiser, `SINGLE_CHANNEL_DEFAULTS.online`), `'wiener'`, `'rnnoise'` (needs the optional
 * dependency @jitsi/rnnoise-wasm).
 */
export type SingleChannelMethod = 'online' | 'prior' | 'wiener' | 'rnnoise';
export const SINGLE_CHANNEL_METHODS: readonly SingleChannelMethod[] = ['online', 'prior', 'wiener', 'rnnoise'];
/**
 * The default single-channel method of the CLI and the pipelines: the best one measured on the
 * single-channel v2 benchmark (BENCHMARKS.md, test split): the speech prior.
 */
export const DEFAULT_SINGLE_CHANNEL_METHOD: SingleChannelMethod = 'prior';
