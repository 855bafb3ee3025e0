import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import { defaultRoles } from "../app/admin/permissions";
import type { Database, PracticeKind, Wording } from "../db/schema";
import { type PracticeTransaction, scopeToPractice } from "../db/with-practice.server";
import { PRACTICE_COLUMNS, type Practice } from "./practice";
import { checkSubdomain } from "./subdomain";

/**
 * The practice registry's building blocks, under the platform use cases of platform-practices.server.ts (which the
 * operator CLI and the support console share). They run as the owner role: the runtime role may only read the registry.
 */

export class PracticeInputError extends Error {
  constructor(
    readonly field: "subdomain" | "name" | "kind" | "practice" | "database" | "owner" | "location" | "reason",
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_WORDING: Record<PracticeKind, Required<Wording>> = {
  veterinary: { patientSingular: "pet", patientPlural: "pets", clientSingular: "pet owner" },
  human: { patientSingular: "patient", patientPlural: "family", clientSingular: "patient" },
};

export function defaultWording(kind: PracticeKind): Required<Wording> {
  return DEFAULT_WORDING[kind];
}

const newPracticeSchema = z.object({
  subdomain: z.string(),
  name: z
    .string()
    .trim()
    .min(2, "The name must be at least 2 characters.")
    .max(120, "The name must be at most 120 characters.")
    .regex(/^[^\p{Cc}]*$/u, "The name cannot contain tabs, line breaks or other control characters."),
  kind: z.enum(["veterinary", "human"], { error: "The kind must be 'veterinary' or 'human'." }),
  timeZone: z.string().default("UTC"),
  location: z
    .object({
      name: z.string().trim().min(2, "The location needs a name.").max(120).regex(/^[^\p{Cc}]*$/u, "The location's name cannot contain line breaks."),
      address: z.string().trim().min(5, "The location needs an address.").max(300),
      phone: z.string().trim().max(40).regex(/^[^\p{Cc}]*$/u, "The phone number has characters that are not allowed.").optional(),
    })
    .optional(),
});

export type NewPractice = z.input<typeof newPracticeSchema>;

/** A dedicated practice's database: its id in the registry and an owner-role handle to write the first rows with. */
export type PracticePlacement = { id: string; db: Kysely<Database> };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "23505";
}

function parseNewPractice(input: NewPractice) {
  const subdomainCheck = checkSubdomain(input.subdomain);
  if (!subdomainCheck.ok) throw new PracticeInputError("subdomain", subdomainCheck.message);
  const parsed = newPracticeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PracticeInputError(issue?.path[0] === "kind" ? "kind" : issue?.path[0] === "location" ? "location" : "name", issue?.message ?? "Invalid practice.");
  }
  if (!Intl.supportedValuesOf("timeZone").includes(parsed.data.timeZone) && parsed.data.timeZone !== "UTC") {
    throw new PracticeInputError("practice", `Unknown time zone '${parsed.data.timeZone}'.`);
  }
  return { ...parsed.data, subdomain: subdomainCheck.subdomain };
}

/**
 * Registers a practice, its settings, its default staff roles and (when given) its first location. `populate` runs
 * inside the same transaction as the practice's own rows, already scoped to the new practice, so a practice never
 * exists half-loaded.
 *
 * Shared practices are one transaction in the main database. A dedicated practice's rows are written in its own
 * database and the registry row is inserted last, inside that transaction: a taken subdomain rolls the practice's
 * rows back, and if the final commit fails the registry row is removed again.
 */
export async function createPractice(
  db: Kysely<Database>,
  input: NewPractice,
  populate?: (trx: PracticeTransaction, practice: Practice) => Promise<void>,
  placement?: PracticePlacement,
): Promise<Practice> {
  const data = parseNewPractice(input);
  const practice: Practice = {
    id: randomUUID(),
    subdomain: data.subdomain,
    name: data.name,
    kind: data.kind,
    status: "active",
    deployment: placement ? "dedicated" : "shared",
    placementId: placement?.id ?? null,
    contactPhone: null,
    contactEmail: null,
  };
  const register = (trx: Kysely<Database>) =>
    trx
      .insertInto("platform.practices")
      .values({ id: practice.id, subdomain: practice.subdomain, name: practice.name, kind: practice.kind, deployment: practice.deployment, placement_id: practice.placementId })
      .execute();
  const fill = async (trx: PracticeTransaction) => {
    await scopeToPractice(trx, practice);
    // Human-health clients expect a password; pet owners are served well by email links.
    const signInMethods = practice.kind === "human" ? "both" : "magic_link";
    await trx.insertInto("practice_settings").values({ practice_id: practice.id, time_zone: data.timeZone, wording: defaultWording(practice.kind), sign_in_methods: signInMethods }).execute();
    await trx
      .insertInto("staff_roles")
      .values(defaultRoles(practice.kind).map((role) => ({ practice_id: practice.id, name: role.name, permissions: role.permissions })))
      .execute();
    if (data.location) {
      await trx
        .insertInto("locations")
        .values({ practice_id: practice.id, name: data.location.name, address: data.location.address, phone: data.location.phone || null, time_zone: data.timeZone })
        .execute();
    }
    if (populate) await populate(trx, practice);
  };
  let registered = false;
  try {
    if (!placement) {
      await db.transaction().execute(async (trx) => {
        await register(trx);
        await fill(trx);
      });
    } else {
      await placement.db.transaction().execute(async (trx) => {
        await fill(trx);
        await register(db);
        registered = true;
      });
    }
    return practice;
  } catch (error) {
    if (registered) await db.deleteFrom("platform.practices").where("id", "=", practice.id).execute();
    if (isUniqueViolation(error)) throw new PracticeInputError("subdomain", `The subdomain '${data.subdomain}' is already taken.`);
    throw error;
  }
}

export async function listPractices(db: Kysely<Database>): Promise<Practice[]> {
  return db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).orderBy("subdomain").execute();
}

export async function findPractice(db: Kysely<Database>, subdomain: string): Promise<(Practice & { createdAt: Date }) | undefined> {
  const row = await db
    .selectFrom("platform.practices")
    .select([...PRACTICE_COLUMNS, "created_at"])
    .where("subdomain", "=", subdomain)
    .executeTakeFirst();
  if (!row) return undefined;
  const { created_at, ...practice } = row;
  return { ...practice, createdAt: created_at };
}

export async function setPracticeStatus(db: Kysely<Database>, subdomain: string, status: "active" | "suspended"): Promise<Practice> {
  const practice = await db
    .updateTable("platform.practices")
    .set({ status })
    .where("subdomain", "=", subdomain)
    .returning(PRACTICE_COLUMNS)
    .executeTakeFirst();
  if (!practice) throw new PracticeInputError("practice", `No practice has the subdomain '${subdomain}'.`);
  return practice;
}
