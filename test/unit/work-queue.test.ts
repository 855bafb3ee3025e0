import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WORK_QUEUE_CHANNEL, WorkQueue, type WorkQueueEvent } from "../../server/work-queue.server";

/** A task that runs until the test opens its gate, logging its start and end. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const task = (log: string[], name: string) => async () => {
    log.push(`start ${name}`);
    await opened;
    log.push(`end ${name}`);
    return name;
  };
  return { open: () => open(), task };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("WorkQueue", () => {
  const seen: WorkQueueEvent[] = [];
  const listener = (message: unknown) => void seen.push(message as WorkQueueEvent);
  beforeAll(() => subscribe(WORK_QUEUE_CHANNEL, listener));
  afterAll(() => unsubscribe(WORK_QUEUE_CHANNEL, listener));
  afterEach(() => {
    seen.length = 0;
  });

  it("runs at most `concurrency` tasks at once and starts waiters in arrival order", async () => {
    const queue = new WorkQueue("test", { concurrency: 2, maxWaiting: 5 });
    const log: string[] = [];
    const gates = ["a", "b", "c", "d"].map((name) => ({ name, ...gate() }));
    const results = gates.map(({ name, task }) => queue.run(task(log, name)));
    await settle();
    expect(log).toEqual(["start a", "start b"]);

    gates[1]!.open();
    await settle();
    expect(log).toEqual(["start a", "start b", "end b", "start c"]);

    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
    expect(log.filter((line) => line.startsWith("start"))).toEqual(["start a", "start b", "start c", "start d"]);
  });

  it("refuses with a 503 and Retry-After when the waiting line is full, without running the task", async () => {
    const queue = new WorkQueue("test", { concurrency: 1, maxWaiting: 1 });
    const log: string[] = [];
    const running = gate();
    const first = queue.run(running.task(log, "running"));
    const second = queue.run(async () => "waited");
    let refusedRan = false;
    const refused = await queue
      .run(async () => {
        refusedRan = true;
      })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(503);
    expect((refused as Response).headers.get("retry-after")).toBe("5");
    expect(await (refused as Response).text()).toMatch(/busy/);
    expect(refusedRan).toBe(false);
    expect(seen).toEqual([
      { queue: "test", event: "started" },
      { queue: "test", event: "refused" },
    ]);

    running.open();
    expect(await first).toBe("running");
    expect(await second).toBe("waited");
  });

  it("frees the slot when a task fails", async () => {
    const queue = new WorkQueue("test", { concurrency: 1, maxWaiting: 0 });
    await expect(queue.run(() => Promise.reject(new Error("broken")))).rejects.toThrow("broken");
    expect(await queue.run(async () => "next")).toBe("next");
  });

  it("lets a freed slot go to a waiter, never to a newcomer", async () => {
    const queue = new WorkQueue("test", { concurrency: 1, maxWaiting: 1 });
    const log: string[] = [];
    const running = gate();
    const first = queue.run(running.task(log, "first"));
    const waiter = queue.run(async () => log.push("waiter"));
    running.open();
    await first;
    // The waiter holds the slot now (its start is only scheduled): a newcomer waits behind it.
    const newcomer = queue.run(async () => log.push("newcomer"));
    await Promise.all([waiter, newcomer]);
    expect(log).toEqual(["start first", "end first", "waiter", "newcomer"]);
  });
});
