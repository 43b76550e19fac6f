/**
 * The layout of an Adamax scalar block: the float32 slots from which the Adamax kernels (the wasm
 * exports and their TypeScript references) read their scalars, instead of taking them as arguments.
 * A caller keeps one block per engine (in a kernel arena: `arena.allocF32(AdamaxScalars.length)`),
 * writes the constants once and the per-step values (lr, k, mom, om) before each call, and passes
 * the block's byte pointer (wasm) or the view and its offset (TypeScript): only integers cross the
 * call, so no engine tier boxes a double to make it, however many instances a call site sees.
 *
 * Writing a double into a `Float32Array` slot rounds it to float32 exactly as `Math.fround` does,
 * so `s[k] = 1 − b1p` stores the value `f32(1 − b1p)`.
 * ```
 * lr   the learning rate                 c1   f32(1 − β1)
 * beta2  f32(β2)                         eps  f32(ε)
 * k    f32(1 − β1^t) (bias correction)   mom  EMA momentum (0 at the first update)
 * om   f32(1 − mom)                      length: slots a block takes (32 bytes, 16-byte multiple)
 * ```
 */
export const AdamaxScalars = { lr: 0, c1: 1, beta2: 2, eps: 3, k: 4, mom: 5, om: 6, length: 8 } as const;
