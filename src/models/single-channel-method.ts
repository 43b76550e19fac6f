/**
 * Single-channel methods: `'online'` (default, `SINGLE_CHANNEL_DEFAULTS.online`), `'prior'` (the learned
 * speech prior with online adaptation, `SINGLE_CHANNEL_DEFAULTS.prior`, at the file's own rate),
 * `'wiener'`, `'rnnoise'` (needs the optional dependency @jitsi/rnnoise-wasm).
 */
export type SingleChannelMethod = 'online' | 'prior' | 'wiener' | 'rnnoise';
export const SINGLE_CHANNEL_METHODS: readonly SingleChannelMethod[] = ['online', 'prior', 'wiener', 'rnnoise'];
