/**
 * Work that must not hold up (or time) a response: recording a failed sign-in, a reset request.
 * Failures are reported, never thrown. `idle()` lets shutdown and tests wait for what is in flight.
 */
export class Background {
  readonly #pending = new Set<Promise<void>>();
  readonly #onError: (err: unknown, what: string) => void;

  constructor(onError: (err: unknown, what: string) => void) {
    this.#onError = onError;
  }

  run(what: string, work: () => Promise<void>): void {
    const task: Promise<void> = Promise.resolve()
      .then(work)
      .catch((err: unknown) => this.#onError(err, what))
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** For work done in line whose failure must not fail the request either. */
  report(err: unknown, what: string): void {
    this.#onError(err, what);
  }

  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
