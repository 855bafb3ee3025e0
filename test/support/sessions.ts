import { withPractice } from "../../db/with-practice.server";
import { clientSessions } from "../../server/auth/client-session.server";
import { staffSessions } from "../../server/auth/staff-session.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "./database";

/** Signs a client in directly (no email round trip): returns the Cookie header value for their session. */
export async function sessionCookieFor(db: Pick<TestDatabase, "app">, practice: Practice, email: string): Promise<string> {
  return withPractice(db.app.db, practice, async (trx) => {
    const row = await trx
      .selectFrom("client_emails")
      .select(["id", "client_id", "email"])
      .where("email_key", "=", email.toLowerCase())
      .executeTakeFirstOrThrow();
    const setCookie = await clientSessions(trx, practice.id, { secure: false, now: () => new Date() }).create({
      clientId: row.client_id,
      clientEmailId: row.id,
      email: row.email,
      ip: "127.0.0.1",
      userAgent: "test fixture",
    });
    return setCookie.split(";")[0]!;
  });
}

/** Signs a staff member in directly: returns the Cookie header value for their staff session. */
export async function staffCookieFor(db: Pick<TestDatabase, "app">, practice: Practice, email: string): Promise<string> {
  return withPractice(db.app.db, practice, async (trx) => {
    const staff = await trx.selectFrom("staff_members").select("id").where("email_key", "=", email.toLowerCase()).executeTakeFirstOrThrow();
    const setCookie = await staffSessions(trx, practice.id, { secure: false, now: () => new Date() }).create({ staffId: staff.id, ip: "127.0.0.1", userAgent: "test fixture" });
    return setCookie.split(";")[0]!;
  });
}
