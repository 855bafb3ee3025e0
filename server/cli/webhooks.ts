import { parseArgs } from "node:util";
import { z } from "zod";
import { connect } from "../../db/connection.server";
import { findPractice } from "../../tenants/practices.server";
import { PracticeDatabases } from "../../tenants/practice-databases.server";
import { recordAudit } from "../audit.server";
import { platformKeys } from "../platform-keys.server";
import { listDeliveries, replayDelivery } from "../webhooks/deliveries.server";
import { runCli, UsageError } from "./run-cli.server";

const USAGE = `usage: npm run webhooks -- <command> --subdomain <practice>
  list [--status pending|succeeded|dead|cancelled] [--limit 50]
  retry <delivery-id>     send that delivery's event to its endpoint again (a new delivery)`;

await runCli(async ({ config, platform }) => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { subdomain: { type: "string" }, status: { type: "string" }, limit: { type: "string" } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (command !== "list" && command !== "retry") throw new UsageError(command ? `unknown command '${command}'\n${USAGE}` : USAGE);
  if (!values.subdomain) throw new UsageError(`${command} needs --subdomain\n${USAGE}`);
  const opened = await platform();
  const practice = await findPractice(opened.owner.db, values.subdomain);
  if (!practice) throw new UsageError(`no practice '${values.subdomain}'`);
  // Deliveries are practice data: read through the practice's own scope as the runtime role, like the server.
  const runtime = connect(opened.targets.appUrl, { max: 1, applicationName: "portico-cli" });
  const databases = new PracticeDatabases(runtime.db, { shared: runtime.db, keys: await platformKeys(config), maxConnections: 1, maxDatabases: 1 });
  const scope = databases.scope(practice);
  try {
    if (command === "list") {
      const status = z.enum(["pending", "succeeded", "dead", "cancelled"]).optional().safeParse(values.status);
      if (!status.success) throw new UsageError("--status must be pending, succeeded, dead or cancelled");
      const limit = z.coerce.number().int().min(1).max(1000).safeParse(values.limit ?? "50");
      if (!limit.success) throw new UsageError("--limit must be a whole number from 1 to 1000");
      const rows = await scope((trx) => listDeliveries(trx, { status: status.data, limit: limit.data }));
      for (const d of rows) {
        const answer = d.last_status_code !== null ? `HTTP ${d.last_status_code}` : (d.last_error ?? "not tried");
        const next = d.status === "pending" && d.next_attempt_at ? `  next ${new Date(d.next_attempt_at).toISOString()}` : "";
        process.stdout.write(`${d.id}  ${new Date(d.created_at).toISOString()}  ${d.status.padEnd(9)}  attempts=${d.attempts}  ${d.type}  ${d.url}  ${answer}${next}\n`);
      }
      if (rows.length === 0) process.stdout.write("no deliveries\n");
      return;
    }
    const id = z.uuid().safeParse(target);
    if (!id.success) throw new UsageError(`retry needs a delivery id\n${USAGE}`);
    const outcome = await scope(async (trx) => {
      const now = new Date();
      const result = await replayDelivery(trx, practice.id, id.data, now);
      if (result.ok) await recordAudit(trx, practice.id, { actorType: "system", action: "system.webhook_delivery_replayed", subjectType: "webhook_delivery", subjectId: id.data, details: { replay: result.replayId, url: result.url, via: "cli" }, at: now });
      return result;
    });
    if (!outcome.ok) throw new UsageError(outcome.reason === "not_found" ? `no delivery ${id.data} in ${practice.subdomain}` : `the endpoint ${outcome.url} is turned off: turn it on in admin first`);
    process.stdout.write(`queued again as ${outcome.replayId} (to ${outcome.url})\n`);
  } finally {
    await databases.close();
    await runtime.close();
  }
});
