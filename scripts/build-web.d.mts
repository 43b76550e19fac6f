/** Bundles the web entry and the processor (plus any `extra` entry points) into `outdir`. */
export function buildWeb(outdir: string, options?: { extra?: Record<string, string>; minify?: boolean }): Promise<void>;
