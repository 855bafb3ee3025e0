import { connect } from "../../db/connection.server";
import { OutboxWorker } from "../../server/email/outbox-worker.server";
import { resendTransport } from "../../server/email/transports.server";
import { createLogger } from "../../server/logger.server";

// A worker in a process of its own, so a test can kill it mid-send exactly as a crash would.
const owner = connect(process.env.OWNER_URL ?? "", { max: 2 });
const worker = new OutboxWorker({
  db: owner.db,
  transport: resendTransport({ apiKey: "re_test_key", baseUrl: process.env.RESEND_BASE_URL }),
  fromAddress: "portal@mail.portico.test",
  logger: createLogger({ env: "test", logLevel: "silent" }),
});
process.stdout.write("draining\n");
await worker.drain();
await owner.close();
