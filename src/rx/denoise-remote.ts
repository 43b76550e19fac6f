import { Observable, type OperatorFunction } from 'rxjs';
import { RemoteStream, type RemoteStreamOptions } from './remote-stream.js';

/**
 * RxJS operator: denoises an `Observable<Float32Array>` (mono chunks of any length) remotely on the
 * `adamax-stream serve` servers and emits the denoised frames; completes after the input completes
 * and the last frame came back.
 */
export function denoiseRemote(
  options: Omit<RemoteStreamOptions, 'channels'>,
): OperatorFunction<Float32Array, Float32Array> {
  return (input) =>
    new Observable<Float32Array>((subscriber) => {
      let stream: RemoteStream | null = null;
      let inputSub: { unsubscribe(): void } | null = null;
      let outputSub: { unsubscribe(): void } | null = null;
      let chain: Promise<void> = Promise.resolve();
      const fail = (e: unknown) => subscriber.error(e);
      RemoteStream.open(options)
        .then((s) => {
          stream = s;
          outputSub = s.output().subscribe({
            next: (f) => subscriber.next(f),
            error: fail,
            complete: () => subscriber.complete(),
          });
          inputSub = input.subscribe({
            next: (chunk) => {
              chain = chain.then(() => s.write(chunk)).catch(fail);
            },
            error: fail,
            complete: () => {
              chain = chain.then(() => s.end()).catch(fail);
            },
          });
        })
        .catch(fail);
      return () => {
        inputSub?.unsubscribe();
        outputSub?.unsubscribe();
        (stream as RemoteStream | null)?.close();
      };
    });
}
