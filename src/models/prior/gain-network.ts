import type { PriorWeights } from './prior-weights-codec.js';

/**
 * Inference of the speech prior's gain network, a multilayer perceptron over the normalised
 * features x̂ = (x − μ)/σ:
 * ```
 * h₀ = x̂,   h_l = relu(W_lᵀ h_{l−1} + b_l)  (hidden layers),   G = σ(W_Lᵀ h_{L−1} + b_L + ΔW_Lᵀ h_{L−1} + Δb_L)
 * ```
 * with the optional online correction Δ of the last layer (length = rows·cols + cols, ΔW row-major
 * by input, then Δb). Buffers are allocated once; {@link forward} allocates nothing.
 */
export class GainNetwork {
  readonly weights: PriorWeights;
  readonly inputs: number;
  readonly outputs: number;
  /** Width of the last hidden layer (input of the adaptable last layer). */
  readonly lastHidden: number;
  /** Activations per layer: acts[0] = x̂, acts[L] = gains of the last {@link forward} / {@link gains}. */
  readonly acts: Float32Array[];
  /** Logits of the prior's last layer (without Δ) of the last {@link forward}. */
  readonly logits: Float32Array;

  constructor(weights: PriorWeights) {
    this.weights = weights;
    const layers = weights.layers;
    this.inputs = layers[0]!;
    this.outputs = layers[layers.length - 1]!;
    this.lastHidden = layers[layers.length - 2]!;
    this.acts = layers.map((n) => new Float32Array(n));
    this.logits = new Float32Array(this.outputs);
  }

  /** Size of the last-layer correction Δ. */
  get deltaSize(): number {
    return this.lastHidden * this.outputs + this.outputs;
  }

  /** Gains in (0, 1) for one feature vector, into `acts[L]` (returned). */
  forward(features: Float32Array, delta: Float32Array | null = null): Float32Array {
    const { weights: w, acts } = this;
    const x0 = acts[0]!;
    const mean = w.mean;
    const std = w.std;
    for (let i = 0; i < this.inputs; i++) x0[i] = (features[i]! - mean[i]!) / std[i]!;
    const last = w.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const x = acts[l]!;
      const y = acts[l + 1]!;
      const W = w.weights[l]!;
      const n = y.length;
      y.set(w.biases[l]!);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        const row = i * n;
        for (let o = 0; o < n; o++) y[o] = y[o]! + xi * W[row + o]!;
      }
      if (l < last) {
        for (let o = 0; o < n; o++) if (!(y[o]! > 0)) y[o] = 0;
        continue;
      }
      this.logits.set(y);
    }
    return this.gains(delta, acts[last + 1]!);
  }

  /** σ(logits + ΔWᵀh + Δb) for the hidden state of the last {@link forward}, into `out` (returned). */
  gains(delta: Float32Array | null, out: Float32Array): Float32Array {
    const n = this.outputs;
    out.set(this.logits);
    if (delta !== null) {
      const x = this.acts[this.acts.length - 2]!;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        const row = i * n;
        for (let o = 0; o < n; o++) out[o] = out[o]! + xi * delta[row + o]!;
      }
      const db = x.length * n;
      for (let o = 0; o < n; o++) out[o] = out[o]! + delta[db + o]!;
    }
    for (let o = 0; o < n; o++) out[o] = 1 / (1 + Math.exp(-out[o]!));
    return out;
  }

  /**
   * ∂L/∂Δ for ∂L/∂G given per band (`dGain`) at gains `g` of {@link gains}: with z the logit,
   * ∂L/∂z_o = ∂L/∂G_o · G_o(1 − G_o), ∂L/∂ΔW[i, o] = h_i · ∂L/∂z_o, ∂L/∂Δb_o = ∂L/∂z_o. Writes `grad`.
   */
  deltaGradient(g: Float32Array, dGain: Float32Array, grad: Float32Array): void {
    const n = this.outputs;
    const x = this.acts[this.acts.length - 2]!;
    const db = x.length * n;
    for (let o = 0; o < n; o++) grad[db + o] = dGain[o]! * g[o]! * (1 - g[o]!);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      const row = i * n;
      for (let o = 0; o < n; o++) grad[row + o] = xi * grad[db + o]!;
    }
  }
}
