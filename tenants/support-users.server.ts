import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../db/schema";
import { generateToken, hashToken } from "../server/auth/tokens.server";
import { newTotpKey } from "../server/auth/totp.server";
import { PracticeInputError } from "./practices.server";

/** How long a support user's setup link works: they choose a password and enrol their authenticator with it. */
export const SUPPORT_SETUP_HOURS = 24;

const newSupportUserSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("The email must be an address such as name@example.com.")),
  name: z.string().trim().min(1, "The name is required.").max(120),
});

async function issueSetupToken(db: Kysely<Database>, userId: string, now: Date): Promise<string> {
  const token = generateToken();
  await db
    .insertInto("platform.support_setup_tokens")
    .values({ token_hash: hashToken(token), support_user_id: userId, created_at: now, expires_at: new Date(now.getTime() + SUPPORT_SETUP_HOURS * 3_600_000) })
    .execute();
  return token;
}

/** Creates a support user with a fresh TOTP key and returns the one-time setup token (the CLI prints it as a link). */
export async function createSupportUser(db: Kysely<Database>, input: { email: string; name: string }, now = new Date()): Promise<string> {
  const parsed = newSupportUserSchema.safeParse(input);
  if (!parsed.success) throw new PracticeInputError("owner", parsed.error.issues[0]?.message ?? "Invalid support user.");
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("platform.support_users").select("id").where("email_key", "=", parsed.data.email).executeTakeFirst();
    if (existing) throw new PracticeInputError("owner", `A support user with the email ${parsed.data.email} already exists; use reset to send a new setup link.`);
    const user = await trx.insertInto("platform.support_users").values({ email: parsed.data.email, name: parsed.data.name, totp_key: newTotpKey() }).returning("id").executeTakeFirstOrThrow();
    return issueSetupToken(trx, user.id, now);
  });
}

/** Lost password or authenticator: both are cleared, sessions and earlier links end, and a new setup link is issued. */
export async function resetSupportUser(db: Kysely<Database>, email: string, now = new Date()): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .updateTable("platform.support_users")
      .set({ password_hash: null, totp_key: newTotpKey(), totp_last_step: null })
      .where("email_key", "=", email.trim().toLowerCase())
      .where("active", "=", true)
      .returning("id")
      .executeTakeFirst();
    if (!user) throw new PracticeInputError("owner", `No active support user has the email ${email}.`);
    // Whatever was lost or leaked goes with the reset: earlier setup links, sessions and open break-glass access.
    await trx.updateTable("platform.support_setup_tokens").set({ used_at: now }).where("support_user_id", "=", user.id).where("used_at", "is", null).execute();
    await trx.deleteFrom("platform.support_sessions").where("support_user_id", "=", user.id).execute();
    await trx.updateTable("platform.support_access_grants").set({ ended_at: now }).where("support_user_id", "=", user.id).where("ended_at", "is", null).execute();
    return issueSetupToken(trx, user.id, now);
  });
}

export async function deactivateSupportUser(db: Kysely<Database>, email: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.updateTable("platform.support_users").set({ active: false }).where("email_key", "=", email.trim().toLowerCase()).returning("id").executeTakeFirst();
    if (!user) throw new PracticeInputError("owner", `No support user has the email ${email}.`);
    await trx.deleteFrom("platform.support_sessions").where("support_user_id", "=", user.id).execute();
    await trx.updateTable("platform.support_access_grants").set({ ended_at: new Date() }).where("support_user_id", "=", user.id).where("ended_at", "is", null).execute();
  });
}

export async function listSupportUsers(db: Kysely<Database>) {
  return db
    .selectFrom("platform.support_users")
    .select((eb) => ["email", "name", "active", eb("password_hash", "is not", null).as("setUp")])
    .orderBy("email")
    .execute();
}
