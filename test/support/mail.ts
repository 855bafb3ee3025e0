import { OutboxWorker } from "../../server/email/outbox-worker.server";
import { resendTransport } from "../../server/email/transports.server";
import { createLogger } from "../../server/logger.server";
import type { TestDatabase } from "./database";
import type { FakeResend } from "./fake-resend";
import type { TestClock } from "./http";

export const TEST_RESEND_KEY = "re_test_key";

/** The real worker and the real Resend transport, pointed at the fake API on loopback. Drained by the test. */
export function outboxWorker(db: TestDatabase, fake: FakeResend, clock?: TestClock): OutboxWorker {
  return new OutboxWorker({
    db: db.owner.db,
    transport: resendTransport({ apiKey: TEST_RESEND_KEY, baseUrl: fake.url }),
    fromAddress: "portal@mail.portico.test",
    logger: createLogger({ env: "test", logLevel: "silent" }),
    now: clock?.now,
  });
}
