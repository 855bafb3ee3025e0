/**
 * The real server (`server/main.ts`, unchanged) in this process, plus a memory report for `npm run bench:soak` over
 * the IPC channel that the benchmark opens when it spawns this file. Nothing here is reachable over HTTP: the server
 * gains no endpoint, and only the parent process can ask.
 *
 * Run as `node --expose-gc --import tsx bench/soak-server.ts` with the server's environment.
 * Messages: `{ kind: "memory" }` answers `process.memoryUsage()` as it stands, then again after a full collection
 * (what is still reachable: a leak grows this figure, lazy heap growth does not); `{ kind: "snapshot", file }`
 * writes a heap snapshot there (after a full collection, like every heap snapshot) and answers when it is written.
 */
import v8 from "node:v8";

export type SoakRequest = { kind: "memory" } | { kind: "snapshot"; file: string };
export type SoakReply = { kind: "memory"; now: NodeJS.MemoryUsage; afterGc: NodeJS.MemoryUsage } | { kind: "snapshot"; file: string };

if (!process.send || typeof globalThis.gc !== "function") throw new Error("bench/soak-server.ts is started by bench/soak.ts (an IPC channel and --expose-gc)");
const gc = globalThis.gc;
const reply = (message: SoakReply) => process.send!(message);

process.on("message", (message: SoakRequest) => {
  if (message.kind === "memory") {
    const now = process.memoryUsage();
    // A full, synchronous collection: what survives is what the server still holds.
    gc();
    reply({ kind: "memory", now, afterGc: process.memoryUsage() });
  } else {
    reply({ kind: "snapshot", file: v8.writeHeapSnapshot(message.file) });
  }
});

await import("../server/main");
