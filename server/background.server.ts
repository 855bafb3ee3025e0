import type { Logger } from "pino";

/**
 * Work that runs after a response is sent, tracked so graceful shutdown can wait for it and tests can await it.
 * At most `concurrency` tasks run at once, so a burst of them cannot take every pooled connection away from the
 * requests being served; and `run` resolves once the task is admitted to a bounded queue, so a caller that awaits
 * it slows down with the queue instead of letting the backlog (and the tasks' latency) grow without bound. Waiting
 * for admission depends only on the queue, never on what the task will find. Anything that must survive a crash
 * belongs in the database (the outbox), not here.
 */
export class BackgroundTasks {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #waiting: (() => void)[] = [];
  #active = 0;

  constructor(
    private readonly logger: Logger,
    private readonly concurrency = 4,
    private readonly maxQueued = 16,
  ) {}

  readonly #admissions: (() => void)[] = [];

  async #slot(): Promise<void> {
    if (this.#active < this.concurrency) {
      this.#active++;
      return;
    }
    // The finishing task hands its slot over directly, so the count stays exact.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
    this.#admissions.shift()?.();
  }

  /** Starts the task when a slot frees; resolves when the task is admitted (at once unless the queue is full). */
  async run(label: string, task: () => Promise<unknown>): Promise<void> {
    while (this.#waiting.length >= this.maxQueued) await new Promise<void>((resolve) => this.#admissions.push(resolve));
    this.#start(label, task);
  }

  #start(label: string, task: () => Promise<unknown>): void {
    const promise: Promise<unknown> = this.#slot()
      .then(() => task().finally(() => this.#release()))
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
