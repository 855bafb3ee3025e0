import { parseArgs } from "node:util";
import { z } from "zod";
import { listOutbox, retryOutbox } from "../email/outbox-admin.server";
import { runCli, UsageError } from "./run-cli.server";

const USAGE = `usage: npm run outbox -- <command>
  list [--status pending|sent|failed|dead] [--limit 50]
  retry <message-id>
  retry --all-dead`;

await runCli(async ({ platform }) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { status: { type: "string" }, limit: { type: "string" }, "all-dead": { type: "boolean" } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  switch (command) {
    case "list": {
      const status = z.enum(["pending", "sent", "failed", "dead"]).optional().safeParse(values.status);
      if (!status.success) throw new UsageError("--status must be pending, sent, failed or dead");
      const limit = z.coerce.number().int().min(1).max(1000).safeParse(values.limit ?? "50");
      if (!limit.success) throw new UsageError("--limit must be a whole number from 1 to 1000");
      const { owner } = await platform();
      const entries = await listOutbox(owner.db, { status: status.data, limit: limit.data });
      for (const e of entries) {
        process.stdout.write(`${e.id}  ${e.createdAt.toISOString()}  ${e.status.padEnd(7)}  attempts=${e.attempts}  ${e.kind}  ${e.recipient}${e.lastError ? `  last error: ${e.lastError}` : ""}\n`);
      }
      if (entries.length === 0) process.stdout.write("no messages\n");
      return;
    }
    case "retry": {
      const byId = target ? z.uuid().safeParse(target) : undefined;
      if (byId && !byId.success) throw new UsageError(`'${target}' is not a message id`);
      if (!byId && !values["all-dead"]) throw new UsageError("retry needs a message id or --all-dead");
      const { owner } = await platform();
      const count = await retryOutbox(owner.db, byId?.success ? { id: byId.data } : { allDead: true });
      process.stdout.write(`${count} message(s) queued again\n`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command '${command}'\n${USAGE}` : USAGE);
  }
});
