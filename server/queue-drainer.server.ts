import type { Logger } from "pino";
import type postgres from "postgres";

/**
 * The loop both delivery workers run (the mail outbox, the webhook queue): woken by the queue's NOTIFY channel and by
 * a poll, it drains what is due with a few lanes at once. Never two drains at a time: a wake during one runs another
 * right after it. Stopping takes no new work and waits for the work in hand.
 */
export class QueueDrainer {
  readonly #o: { channel: string; pollIntervalMs: number; concurrency: number; logger: Logger; failure: string; takeOne: () => Promise<boolean> };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #unlisten: (() => Promise<void>) | undefined;

  /** `takeOne` claims and handles one due entry, and answers false when none is due; `failure` names a failed drain in the log. */
  constructor(options: { channel: string; pollIntervalMs: number; concurrency: number; logger: Logger; failure: string; takeOne: () => Promise<boolean> }) {
    this.#o = options;
  }

  async start(listener: postgres.Sql): Promise<void> {
    const subscription = await listener.listen(this.#o.channel, () => this.wake(), () => this.wake());
    this.#unlisten = () => subscription.unlisten();
    this.#timer = setInterval(() => this.wake(), this.#o.pollIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#unlisten?.();
    await this.#running;
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.#o.logger.error({ err: error }, this.#o.failure))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Handles everything due now; resolves with the number of entries handled when nothing due is left. */
  async drain(): Promise<number> {
    let handled = 0;
    const lane = async () => {
      while (!this.#stopped && (await this.#o.takeOne())) handled++;
    };
    await Promise.all(Array.from({ length: this.#o.concurrency }, lane));
    return handled;
  }
}
