import { type DisposableLike } from './core-types';

/** `coreApi.Disposable`: runs its callback once; `from()` groups several. */
export class Disposable implements DisposableLike {
  static from(...disposables: DisposableLike[]): Disposable {
    return new Disposable(() => {
      for (const disposable of disposables) disposable.dispose();
    });
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): void {
    const callback = this.#callOnDispose;
    this.#callOnDispose = undefined;
    if (callback) callback();
  }
}
