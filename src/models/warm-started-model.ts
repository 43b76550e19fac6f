import type { AdaptiveModel } from './adaptive-model.js';
import type { OnlineDenoiser, OnlineDenoiserState } from './online-denoiser.js';

/**
 * The denoiser as an {@link AdaptiveModel} whose initial parameters are the warm start from the
 * first `fftSize` samples of `signal` (what `OnlineDenoiser.process` does), so `learn` reproduces
 * `process` exactly.
 */
export function warmStartedModel(den: OnlineDenoiser, signal: Float32Array): AdaptiveModel<OnlineDenoiserState> {
  return {
    kind: den.kind,
    layout: den.layout,
    frameSize: den.frameSize,
    channels: den.channels,
    initParams: (params) => {
      if (den.warmStartEnabled) den.warmStart(params, signal);
      else den.initParams(params);
    },
    createState: () => den.createState(),
    step: (params, state, frame, output, grad) => den.step(params, state, frame, output, grad),
    postStep: (params, state, grad) => den.postStep(params, state, grad),
    forward: (params, state, frame, output) => den.forward(params, state, frame, output),
  };
}
