import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { connect } from "../db/connection.server";
import type { Database } from "../db/schema";
import { recordAudit } from "../server/audit.server";
import { SUPPORT_ACCESS_MINUTES } from "../server/auth/support-access.server";
import { issueStaffInvitation } from "../server/auth/staff-invitations.server";
import { generateToken, hashToken } from "../server/auth/tokens.server";
import { PlacementError, provisionDedicatedDatabase } from "./dedicated-databases.server";
import { recordPlatformAudit } from "./platform-audit.server";
import type { PlatformControl } from "./platform-control.server";
import { PRACTICE_COLUMNS, type Practice } from "./practice";
import { isConnectionFailure, isPracticeUnavailable, withTimeout } from "./practice-databases.server";
import { createPractice, PracticeInputError, setPracticeStatus } from "./practices.server";
import { checkSubdomain } from "./subdomain";

/**
 * The platform's use cases on practices, shared by the support console and the operator CLI: create (shared or
 * dedicated, with its first location and owner), suspend and resume (sessions end), list, detail and break-glass.
 */

/** Who did it: a support user in the console, or an operator at the CLI (no user). */
export type PlatformActor = { supportUserId: string | null; ip?: string | null; userAgent?: string | null };

export type Availability = { available: boolean; subdomain: string; message: string };

/** The live check behind the console's subdomain field: format, reserved words, and whether it is taken. */
export async function subdomainAvailability(db: Kysely<Database>, raw: string): Promise<Availability> {
  const check = checkSubdomain(raw);
  if (!check.ok) return { available: false, subdomain: raw.trim().toLowerCase(), message: check.message };
  const taken = await db.selectFrom("platform.practices").select("id").where("subdomain", "=", check.subdomain).executeTakeFirst();
  return taken
    ? { available: false, subdomain: check.subdomain, message: `The subdomain '${check.subdomain}' is already taken.` }
    : { available: true, subdomain: check.subdomain, message: `'${check.subdomain}' is available.` };
}

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const newPlatformPracticeSchema = z
  .object({
    subdomain: z.string().max(100),
    name: z.string().max(200),
    kind: z.enum(["veterinary", "human"], { error: "Choose the kind of practice." }),
    timeZone: z.preprocess(blankToUndefined, z.string().max(64).default("UTC")),
    deployment: z.enum(["shared", "dedicated"], { error: "Choose where the practice's data lives." }).default("shared"),
    databaseUrl: z.preprocess(blankToUndefined, z.string().max(1000).optional()),
    runtimePassword: z.preprocess(blankToUndefined, z.string().max(200).optional()),
    newDatabase: z.boolean().default(false),
    ownerEmail: z.preprocess(blankToUndefined, z.string().trim().toLowerCase().max(254).pipe(z.email("Enter the owner's email address, such as name@example.com.")).optional()),
    ownerName: z.preprocess(blankToUndefined, z.string().trim().min(2, "Enter the owner's name.").max(120).optional()),
    location: z.object({ name: z.string(), address: z.string(), phone: z.preprocess(blankToUndefined, z.string().optional()) }).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.deployment === "dedicated" && !value.databaseUrl && !value.newDatabase) {
      ctx.addIssue({ code: "custom", path: ["databaseUrl"], message: "A dedicated practice needs the URL of an empty database." });
    }
    if (value.ownerEmail && !value.ownerName) ctx.addIssue({ code: "custom", path: ["ownerName"], message: "Enter the owner's name." });
  });

export type NewPlatformPractice = z.input<typeof newPlatformPracticeSchema>;

function inputError(error: z.ZodError): PracticeInputError {
  const issue = error.issues[0];
  const path = String(issue?.path[0] ?? "practice");
  const field = path === "databaseUrl" ? "database" : path === "ownerEmail" || path === "ownerName" ? "owner" : path === "kind" ? "kind" : path === "location" ? "location" : path === "subdomain" ? "subdomain" : "name";
  return new PracticeInputError(field, issue?.message ?? "Check the practice's details.");
}

/**
 * Creates a practice. Dedicated: the database is validated, migrated and registered first (after the subdomain is
 * known to be free); if the practice then cannot be created, the placement is removed again. The first owner, when
 * given, is a staff member with the Owner role who gets a 3-day invitation, sent through the practice's outbox in
 * the same transaction as the practice's rows.
 */
export async function createPracticeOnPlatform(control: PlatformControl, input: NewPlatformPractice, actor: PlatformActor): Promise<Practice> {
  const parsed = newPlatformPracticeSchema.safeParse(input);
  if (!parsed.success) throw inputError(parsed.error);
  const data = parsed.data;
  const availability = await subdomainAvailability(control.db, data.subdomain);
  if (!availability.available) throw new PracticeInputError("subdomain", availability.message);

  let placement: { id: string; ownerUrl: string } | undefined;
  if (data.deployment === "dedicated") {
    let ownerUrl = data.databaseUrl;
    if (!ownerUrl) {
      if (!control.createDatabase) throw new PracticeInputError("database", "This server cannot create databases itself: give the URL of an empty database.");
      ownerUrl = await control.createDatabase(`portico_${availability.subdomain.replaceAll("-", "_")}`);
    }
    try {
      const provisioned = await provisionDedicatedDatabase(control.db, control.keys, {
        ownerUrl,
        mainServer: control.mainServer,
        mainAppPassword: control.appPassword,
        ...(data.runtimePassword ? { runtimePassword: data.runtimePassword } : {}),
      });
      placement = { id: provisioned.id, ownerUrl };
    } catch (error) {
      if (error instanceof PlacementError) throw new PracticeInputError("database", error.message);
      throw error;
    }
  }

  const owner = placement ? connect(placement.ownerUrl, { max: 1, applicationName: "portico-provision" }) : undefined;
  try {
    const practice = await createPractice(
      control.db,
      { subdomain: availability.subdomain, name: data.name, kind: data.kind, timeZone: data.timeZone, ...(data.location ? { location: data.location } : {}) },
      async (trx, created) => {
        if (!data.ownerEmail || !data.ownerName) return;
        const role = await trx.selectFrom("staff_roles").select("id").where("name", "=", "Owner").executeTakeFirstOrThrow();
        const member = await trx
          .insertInto("staff_members")
          .values({ practice_id: created.id, name: data.ownerName, email: data.ownerEmail, role_id: role.id, job_title: "Owner" })
          .returning(["id", "name", "email"])
          .executeTakeFirstOrThrow();
        await issueStaffInvitation(trx, {
          practiceId: created.id,
          practiceName: created.name,
          origin: control.practiceOrigin(created.subdomain),
          member,
          invitedBy: { id: null, name: "Portico" },
          now: new Date(),
        });
      },
      placement && owner ? { id: placement.id, db: owner.db } : undefined,
    );
    await recordPlatformAudit(control.db, {
      ...actor,
      action: "practice.created",
      practiceId: practice.id,
      details: { subdomain: practice.subdomain, deployment: practice.deployment, ownerInvited: data.ownerEmail ?? null },
    });
    return practice;
  } catch (error) {
    if (placement) await control.db.deleteFrom("platform.database_placements").where("id", "=", placement.id).execute();
    throw error;
  } finally {
    await owner?.close();
  }
}

/** The practice's own database cannot be reached: tell the person, as with any other refusal. */
async function unavailableAsInput<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isPracticeUnavailable(error)) throw new PracticeInputError("practice", "The practice's database cannot be reached right now. Try again in a few minutes.");
    throw error;
  }
}

async function practiceBySubdomain(db: Kysely<Database>, subdomain: string): Promise<Practice> {
  const practice = await db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).where("subdomain", "=", subdomain).executeTakeFirst();
  if (!practice) throw new PracticeInputError("practice", `No practice has the subdomain '${subdomain}'.`);
  return practice;
}

/**
 * Suspends or resumes a practice. Suspension takes effect on every server at once (the registry's NOTIFY) and ends
 * every client, staff and break-glass session, so nobody is still signed in when it is resumed.
 */
export async function changePracticeStatus(control: PlatformControl, subdomain: string, status: "active" | "suspended", actor: PlatformActor): Promise<Practice & { sessionsEnded: boolean }> {
  const found = await practiceBySubdomain(control.db, subdomain);
  const practice = await control.db.transaction().execute(async (trx) => {
    const updated = await setPracticeStatus(trx, found.subdomain, status);
    if (status === "suspended") {
      await trx.updateTable("platform.support_access_grants").set({ ended_at: new Date() }).where("practice_id", "=", found.id).where("ended_at", "is", null).execute();
    }
    await recordPlatformAudit(trx, { ...actor, action: status === "suspended" ? "practice.suspended" : "practice.resumed", practiceId: found.id });
    return updated;
  });
  if (status === "active") return { ...practice, sessionsEnded: false };
  // A suspended practice's requests are answered before any session is read; ending the sessions as well means a
  // resumption starts with everyone signed out. A dedicated database that is down keeps its sessions until then.
  try {
    await control.databases.scope(practice)(async (trx) => {
      await trx.deleteFrom("client_sessions").where("practice_id", "=", practice.id).execute();
      await trx.deleteFrom("staff_sessions").where("practice_id", "=", practice.id).execute();
      await recordAudit(trx, practice.id, { actorType: "support", actorId: actor.supportUserId, action: "practice.suspended", at: new Date(), details: {} });
    });
    return { ...practice, sessionsEnded: true };
  } catch (error) {
    if (isPracticeUnavailable(error)) return { ...practice, sessionsEnded: false };
    throw error;
  }
}

export type ConsolePractice = Practice & { createdAt: Date; placementLocation: string | null; clients: number | null; locations: number | null };

const COUNT_TIMEOUT_MS = 2_000;

/** Counts from the practice's own database; a database that is down or slow shows as "unavailable", never as an error. */
async function withCounts(control: PlatformControl, practice: Practice & { createdAt: Date; placementLocation: string | null }): Promise<ConsolePractice> {
  const unavailable = { ...practice, clients: null, locations: null };
  if (control.databases.knownUnavailable(practice)) return unavailable;
  try {
    const counts = await withTimeout(
      control.databases.scope(practice)(async (trx) => {
        const { rows } = await sql<{ clients: number; locations: number }>`
          select (select count(*)::int from clients) as clients, (select count(*)::int from locations) as locations`.execute(trx);
        return rows[0] ?? { clients: 0, locations: 0 };
      }),
      COUNT_TIMEOUT_MS,
    );
    return { ...practice, ...counts };
  } catch (error) {
    if (isPracticeUnavailable(error) || isConnectionFailure(error)) return unavailable;
    throw error;
  }
}

const LIST_LIMIT = 50;

function practiceRows(db: Kysely<Database>) {
  return db
    .selectFrom("platform.practices as p")
    .leftJoin("platform.database_placements as d", "d.id", "p.placement_id")
    .select(["p.id", "p.subdomain", "p.name", "p.kind", "p.status", "p.deployment", "p.placement_id as placementId", "p.contact_phone as contactPhone", "p.contact_email as contactEmail", "p.created_at as createdAt", "d.location as placementLocation"]);
}

/** Practices by name or subdomain prefix (case-insensitive), with their client and location counts. */
export async function listPracticesForConsole(control: PlatformControl, search: string): Promise<{ practices: ConsolePractice[]; more: boolean }> {
  const term = search.trim().toLowerCase().slice(0, 100);
  let query = practiceRows(control.db);
  if (term) {
    const pattern = `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(p.name)`, "like", pattern), eb("p.subdomain", "like", pattern), eb(sql`lower(p.name)`, "like", `% ${pattern}`)]));
  }
  const rows = await query.orderBy("p.name").orderBy("p.subdomain").limit(LIST_LIMIT + 1).execute();
  const practices = await Promise.all(rows.slice(0, LIST_LIMIT).map((row) => withCounts(control, row)));
  return { practices, more: rows.length > LIST_LIMIT };
}

export type LocationSummary = { name: string; address: string; phone: string | null; timeZone: string };

export async function practiceDetailForConsole(control: PlatformControl, subdomain: string) {
  const row = await practiceRows(control.db).where("p.subdomain", "=", subdomain).executeTakeFirst();
  if (!row) return undefined;
  // Counts and locations in one visit to the practice's database.
  let practice: ConsolePractice = { ...row, clients: null, locations: null };
  let locations: LocationSummary[] | null = null;
  try {
    const found = await control.databases.scope(row)(async (trx) => ({
      clients: (await trx.selectFrom("clients").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
      locations: await trx.selectFrom("locations").select(["name", "address", "phone", "time_zone as timeZone"]).orderBy("position").orderBy("name").execute(),
    }));
    locations = found.locations;
    practice = { ...row, clients: Number(found.clients), locations: found.locations.length };
  } catch (error) {
    if (!isPracticeUnavailable(error)) throw error;
  }
  const accesses = await control.db
    .selectFrom("platform.support_access_grants as g")
    .innerJoin("platform.support_users as u", "u.id", "g.support_user_id")
    .select(["g.created_at as createdAt", "g.expires_at as expiresAt", "g.ended_at as endedAt", "g.reason", "u.name"])
    .where("g.practice_id", "=", practice.id)
    .orderBy("g.created_at", "desc")
    .limit(10)
    .execute();
  return { practice, locations, accesses };
}

const reasonSchema = z.string().trim().min(10, "Say why you need access (at least 10 characters); the practice will read it.").max(500);

/**
 * Break-glass: records the reason in the practice's own audit log and in the platform's, and issues a one-time link
 * that opens the practice's admin, read-only, for an hour.
 */
export async function openSupportAccess(control: PlatformControl, input: { subdomain: string; reason: unknown; supportUser: { id: string; name: string; email: string } } & Omit<PlatformActor, "supportUserId">): Promise<string> {
  const reason = reasonSchema.safeParse(input.reason);
  if (!reason.success) throw new PracticeInputError("reason", reason.error.issues[0]?.message ?? "Give a reason.");
  const practice = await practiceBySubdomain(control.db, input.subdomain);
  if (practice.status !== "active") throw new PracticeInputError("practice", "The practice is suspended: its administration cannot be opened.");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SUPPORT_ACCESS_MINUTES * 60_000);
  const token = generateToken();
  const details = { supportUser: `${input.supportUser.name} <${input.supportUser.email}>`, reason: reason.data, expiresAt: expiresAt.toISOString() };
  // The practice's log first: if its database cannot record the access, there is no access.
  await unavailableAsInput(
    control.databases.scope(practice)((trx) =>
      recordAudit(trx, practice.id, { actorType: "support", actorId: input.supportUser.id, action: "support.access_granted", ip: input.ip, userAgent: input.userAgent, details, at: now }),
    ),
  );
  await control.db.transaction().execute(async (trx) => {
    await trx.insertInto("platform.support_access_grants").values({ support_user_id: input.supportUser.id, practice_id: practice.id, reason: reason.data, expires_at: expiresAt, token_hash: hashToken(token) }).execute();
    await recordPlatformAudit(trx, { supportUserId: input.supportUser.id, action: "support.access_granted", practiceId: practice.id, details, ip: input.ip, userAgent: input.userAgent });
  });
  return `${control.practiceOrigin(practice.subdomain)}/admin/support-access/${token}`;
}

const newLocationSchema = z.object({
  name: z.string().trim().min(2, "The location needs a name.").max(120),
  address: z.string().trim().min(5, "The location needs an address.").max(300),
  phone: z.preprocess(blankToUndefined, z.string().trim().max(40).regex(/^[^\p{Cc}]*$/u, "The phone number has characters that are not allowed.").optional()),
  timeZone: z.string().trim().refine((zone) => zone === "UTC" || Intl.supportedValuesOf("timeZone").includes(zone), "Choose a time zone such as Europe/London."),
  openingHours: z.string().max(2000).default(""),
});

/** "Monday to Friday: 8:00 – 18:00", one line per row; a line without a colon is a note on its own. */
export function parseOpeningHours(text: string): { days: string; hours: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 14)
    .map((line) => {
      const colon = line.indexOf(":");
      // A colon inside a time ("8:00") is not the separator: only one followed by a space, or the first when there is none.
      const separator = line.search(/:\s/);
      const at = separator >= 0 ? separator : colon;
      return at > 0 ? { days: line.slice(0, at).trim().slice(0, 60), hours: line.slice(at + 1).trim().slice(0, 80) } : { days: line.slice(0, 60), hours: "" };
    });
}

/**
 * Adds a location to a practice: one subdomain and one portal for all of its locations (clients booking online
 * choose among them).
 */
export async function addLocation(control: PlatformControl, subdomain: string, input: z.input<typeof newLocationSchema>, actor: PlatformActor): Promise<{ locations: number }> {
  const parsed = newLocationSchema.safeParse(input);
  if (!parsed.success) throw new PracticeInputError("location", parsed.error.issues[0]?.message ?? "Check the location.");
  const practice = await practiceBySubdomain(control.db, subdomain);
  const result = await unavailableAsInput(control.databases.scope(practice)(async (trx) => {
    const { rows } = await sql<{ next: number }>`select coalesce(max(position) + 1, 0)::int as next from locations`.execute(trx);
    await trx
      .insertInto("locations")
      .values({
        practice_id: practice.id,
        name: parsed.data.name,
        address: parsed.data.address,
        phone: parsed.data.phone ?? null,
        time_zone: parsed.data.timeZone,
        opening_hours: parseOpeningHours(parsed.data.openingHours),
        position: rows[0]?.next ?? 0,
      })
      .execute();
    const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from locations`.execute(trx);
    const locations = counted[0]?.n ?? 1;
    await recordAudit(trx, practice.id, { actorType: "support", actorId: actor.supportUserId, action: "practice.location_added", details: { name: parsed.data.name }, at: new Date(), ip: actor.ip, userAgent: actor.userAgent });
    return { locations };
  }));
  await recordPlatformAudit(control.db, { ...actor, action: "practice.location_added", practiceId: practice.id, details: { name: parsed.data.name } });
  return result;
}
