import { channel } from "node:diagnostics_channel";

/**
 * Every start and refusal is published on this channel. Publishing costs nothing without a subscriber; a metrics
 * agent can count busy refusals, and tests can see that a refused request never reached the expensive work.
 */
export const WORK_QUEUE_CHANNEL = "portico:work-queue";
export type WorkQueueEvent = { queue: string; event: "started" | "refused" };

const events = channel(WORK_QUEUE_CHANNEL);

/** Queued work drains in well under a second: a few seconds is a fair wait before trying again. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

export type WorkQueueLimits = { concurrency: number; maxWaiting: number };

/**
 * Runs at most `concurrency` tasks at once; up to `maxWaiting` more wait their turn, first come first served. Beyond
 * that `run` throws a 503 answer at once (Remix renders a thrown Response with its status): requests piling up
 * behind CPU- and memory-heavy work would only all time out together.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly limits: WorkQueueLimits,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // Awaited only when there is a wait: a free slot starts the task in the caller's turn.
    const turn = this.admit();
    if (turn) await turn;
    events.publish({ queue: this.name, event: "started" } satisfies WorkQueueEvent);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private admit(): Promise<void> | undefined {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return undefined;
    }
    if (this.waiting.length >= this.limits.maxWaiting) {
      events.publish({ queue: this.name, event: "refused" } satisfies WorkQueueEvent);
      throw new Response("The server is busy. Please try again in a few seconds.", { status: 503, headers: { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) } });
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A finished task hands its slot straight to the oldest waiter, so a newcomer can never overtake the queue. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
