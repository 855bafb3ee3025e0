import type { Logger } from "pino";

/**
 * Work that runs after a response is sent, tracked so graceful shutdown can wait for it and tests can await it.
 * Anything that must survive a crash belongs in the database (the outbox), not here.
 */
export class BackgroundTasks {
  readonly #pending = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  run(label: string, task: () => Promise<unknown>): void {
    const promise: Promise<unknown> = Promise.resolve()
      .then(task)
      .then(
        (outcome) => this.logger.debug({ task: label, outcome }, "background task done"),
        (error: unknown) => this.logger.error({ err: error, task: label }, "background task failed"),
      )
      .finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
  }

  /** Resolves when every task started so far (and any they started) has finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
