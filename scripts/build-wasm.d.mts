/** The module bytes of a kernel source in the text format (names resolved, validated by wabt). */
export function compileKernelWat(source: string): Promise<Uint8Array>;
