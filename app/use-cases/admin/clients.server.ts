import { sql } from "kysely";
import { z } from "zod";
import type { DocumentCategory } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { clientRef } from "../../../server/events/refs.server";
import { patientWords } from "../../admin/patient-words";
import { canViewPortalSettings, type Permission } from "../../admin/permissions";
import { CATEGORY_LABELS } from "../../categories";
import type { PorticoLoadContext } from "../../load-context";
import { formatDate, formatDateTime, localeFor } from "../../time";
import { isRecordVisibleTo } from "../../visibility/portal-rules";
import { documentFileLinksFor } from "../document-file-download.server";
import { openPhoto } from "../patient-photo.server";
import { idParam, notFound } from "../portal/portal-page.server";
import { portalAccountSummary } from "./portal-accounts.server";
import { adminPage } from "./admin-page.server";

const PAGE_SIZE = 25;
const seesClients = (p: readonly Permission[]) => p.includes("chart_access") || p.includes("manage_client_portal_access");

export type ClientRow = { id: string; name: string; email: string | null; phone: string | null; patients: string; status: string; portalBlocked: boolean };

const searchSchema = z.object({ q: z.string().trim().max(100).default(""), after: z.string().max(400).optional() });

// The keyset cursor is the last row's sort key, so each page is an index range scan whatever the page number.
function encodeCursor(row: { last: string; first: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.last, row.first, row.id])).toString("base64url");
}

function decodeCursor(cursor: string | undefined): [string, string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "string")) return value as [string, string, string];
  } catch {
    // A cursor that does not parse is treated as the first page.
  }
  return undefined;
}

/** `column` starts with `prefix`, as a byte-wise range: `~>=~` and `~<~` are leakproof and match text_pattern_ops. */
function startsWith(column: string, prefix: string) {
  return sql<boolean>`(${sql.ref(column)} ~>=~ ${prefix} and ${sql.ref(column)} ~<~ ${`${prefix}\u{10FFFF}`})`;
}

/** The directory query for one page (exported for the query-plan test). */
export function directoryQuery(trx: PracticeTransaction, q: string, cursor: [string, string, string] | undefined) {
  const term = q.trim().toLowerCase().replace(/\s+/g, " ");
  const digits = q.replace(/\D/g, "");
  let query = trx
    .selectFrom("clients as c")
    .select(["c.id", "c.first_name", "c.last_name", "c.phone", "c.status", "c.portal_blocked", "c.last_name_key", "c.first_name_key"])
    .select((eb) => [
      eb.selectFrom("client_emails as e").select("e.email").whereRef("e.client_id", "=", "c.id").orderBy("e.is_primary", "desc").limit(1).as("email"),
      eb.selectFrom("patients as p").select(sql<string>`string_agg(p.name, ', ' order by p.name)`.as("names")).whereRef("p.client_id", "=", "c.id").as("patients"),
    ]);
  if (term) {
    // One index range scan per way of matching, unioned into a small set of ids: an OR of these would make
    // Postgres walk the whole directory. `startsWith` compares byte-wise with leakproof operators, so it stays an
    // index condition under row-level security (LIKE would not).
    let matches = trx
      .selectFrom("clients")
      .select("id as client_id")
      .where(startsWith("last_name_key", term))
      .union(trx.selectFrom("clients").select("id as client_id").where(startsWith("first_name_key", term)))
      .union(trx.selectFrom("client_emails").select("client_id").where(startsWith("email_key", term)))
      .union(trx.selectFrom("patients").select("client_id").where(startsWith("name_key", term)));
    // "maria lop": a first-name prefix and a last-name prefix.
    const [first, ...rest] = term.split(" ");
    if (first && rest.length > 0) {
      matches = matches.union(trx.selectFrom("clients").select("id as client_id").where(startsWith("first_name_key", first)).where(startsWith("last_name_key", rest.join(" "))));
    }
    // The end of a phone number ("2231", "010-2231"), matched on the reversed digits.
    if (digits.length >= 4) {
      matches = matches.union(trx.selectFrom("clients").select("id as client_id").where(startsWith("phone_digits_reversed", [...digits].reverse().join(""))));
    }
    query = query.where("c.id", "in", matches);
  }
  if (cursor) {
    query = query.where(sql<boolean>`(c.last_name_key, c.first_name_key, c.id) > (${cursor[0]}, ${cursor[1]}, ${cursor[2]}::uuid)`);
  }
  return query.orderBy("c.last_name_key").orderBy("c.first_name_key").orderBy("c.id").limit(PAGE_SIZE + 1);
}

/**
 * The client directory: search by name, email or patient name (prefixes) or by the last digits of a phone number,
 * in pages of 25 ordered by last name. Every branch is index-backed, so it stays fast at tens of thousands of clients
 * (test/integration/client-directory-plans.test.ts checks the plans).
 */
export async function searchClients(context: PorticoLoadContext, request: Request) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = searchSchema.safeParse(params);
  const q = parsed.success ? parsed.data.q : "";
  const cursor = decodeCursor(parsed.success ? parsed.data.after : undefined);
  return adminPage(context, request, seesClients, async ({ trx }) => {
    const rows = await directoryQuery(trx, q, cursor).execute();
    const visible = rows.slice(0, PAGE_SIZE);
    const last = visible.at(-1);
    return {
      q,
      clients: visible.map(
        (r): ClientRow => ({ id: r.id, name: `${r.last_name}, ${r.first_name}`, email: r.email, phone: r.phone, patients: r.patients ?? "", status: r.status, portalBlocked: r.portal_blocked }),
      ),
      next: rows.length > PAGE_SIZE && last ? encodeCursor({ last: last.last_name_key, first: last.first_name_key, id: last.id }) : null,
    };
  });
}

export type PortalStatus = "blocked" | "never_signed_in" | "active";

/** One client as staff see it; the Portal Access section only for those who manage portal access. */
export async function getClientForStaff(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  return adminPage(context, request, seesClients, async ({ trx, staff, practiceId, now, site }) => {
    const client = await trx.selectFrom("clients").selectAll().where("id", "=", id).executeTakeFirst();
    if (!client) throw notFound();
    // Who looked at whose health data is part of the record.
    await recordAudit(trx, practiceId, { actorType: staff.actorType, actorId: staff.id, action: "staff.client_viewed", subjectType: "client", subjectId: id, ip: context.visitor.ip, userAgent: context.visitor.userAgent, at: now });
    const chart = staff.permissions.includes("chart_access");
    const access = staff.permissions.includes("manage_client_portal_access");
    const settings = await trx.selectFrom("practice_settings").select(["portal_enabled", "shared_categories", "diagnostics_share_status", "time_zone", "wording"]).executeTakeFirstOrThrow();
    const locale = localeFor(settings.time_zone);
    const emails = await trx.selectFrom("client_emails").select(["email", "is_primary"]).where("client_id", "=", id).orderBy("is_primary", "desc").orderBy("email").execute();
    const contacts = await trx
      .selectFrom("alternative_contacts as a")
      .select(["a.id", "a.name", "a.relationship", "a.phone"])
      .select((eb) => eb.selectFrom("alternative_contact_emails as ae").select(sql<string>`string_agg(ae.email, ', ')`.as("emails")).whereRef("ae.contact_id", "=", "a.id").as("emails"))
      .where("a.client_id", "=", id)
      .execute();
    const patients = await trx
      .selectFrom("patients as p")
      .leftJoin("patient_photos as ph", (join) => join.onRef("ph.practice_id", "=", "p.practice_id").onRef("ph.patient_id", "=", "p.id"))
      .select(["p.id", "p.name", "p.species", "p.breed", "p.status", "ph.uploaded_by"])
      .where("p.client_id", "=", id)
      .orderBy("p.name")
      .execute();
    const documents = chart
      ? await trx
          .selectFrom("documents as d")
          .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "d.practice_id").onRef("p.id", "=", "d.patient_id"))
          .select(["d.id", "d.title", "d.category", "d.status", "d.visit_date", "d.portal_shared", "p.name as patient_name", "p.status as patient_status"])
          .where("p.client_id", "=", id)
          .orderBy("d.visit_date", "desc")
          .execute()
      : [];
    const documentFiles = await documentFileLinksFor(trx, documents.map((d) => d.id));
    const appointments = chart
      ? await trx
          .selectFrom("appointments as a")
          .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
          .select(["a.id", "a.reason", "a.starts_at", "a.status", "a.confirmed_at", "a.confirmed_by_client_id", "p.name as patient_name"])
          .where("p.client_id", "=", id)
          .orderBy("a.starts_at", "desc")
          .execute()
      : [];
    // Practitioners are the active staff whose role includes chart access.
    const practitioners = access
      ? await trx
          .selectFrom("staff_members as m")
          .innerJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "m.practice_id").onRef("r.id", "=", "m.role_id"))
          .leftJoin("client_available_practitioners as ap", (join) => join.onRef("ap.practice_id", "=", "m.practice_id").onRef("ap.staff_id", "=", "m.id").on("ap.client_id", "=", id))
          .select(["m.id", "m.name", "m.job_title", sql<boolean>`ap.staff_id is not null`.as("available")])
          .where("m.active", "=", true)
          .where(sql<boolean>`'chart_access' = any(r.permissions)`)
          .orderBy("m.name")
          .execute()
      : [];
    const lastSignIn = access
      ? await trx.selectFrom("audit_events").select(sql<Date | null>`max(occurred_at)`.as("at")).where("actor_id", "=", id).where("action", "=", "client.sign_in").executeTakeFirst()
      : undefined;
    const accounts = access || chart ? await portalAccountSummary(trx, id, settings.time_zone, locale, now) : null;
    const intake = chart ? await trx.selectFrom("intake_submissions").select(["id", "submitted_at", "via", "answers"]).where("client_id", "=", id).orderBy("submitted_at", "desc").limit(10).execute() : [];
    // The client's access level as the portal reads it on every request: no account (email links only) means full.
    const clientAccess = accounts?.account?.accessLevel ?? "full";
    const sharing = { portalEnabled: settings.portal_enabled, sharedCategories: settings.shared_categories, diagnosticsShareStatus: settings.diagnostics_share_status };
    const status: PortalStatus = client.portal_blocked ? "blocked" : lastSignIn?.at ? "active" : "never_signed_in";
    return {
      client: { id: client.id, name: `${client.first_name} ${client.last_name}`, phone: client.phone, status: client.status },
      emails: emails.map((e) => ({ email: e.email, primary: e.is_primary })),
      contacts: contacts.map((c) => ({ id: c.id, name: c.name, relationship: c.relationship, phone: c.phone, emails: c.emails })),
      patients: patients.map((p) => ({ id: p.id, name: p.name, species: p.species, breed: p.breed, status: p.status, photoBy: p.uploaded_by })),
      documents: documents.map((d) => ({
        id: d.id,
        title: d.title,
        category: CATEGORY_LABELS[d.category as DocumentCategory],
        status: d.status,
        visitDate: formatDate(d.visit_date, locale),
        patientName: d.patient_name,
        portalShared: d.portal_shared,
        files: documentFiles.get(d.id) ?? [],
        // What the client sees right now, by the portal's own rule.
        visibleToClient: isRecordVisibleTo(clientAccess, { patientStatus: d.patient_status, category: d.category, status: d.status, portalShared: d.portal_shared }, sharing),
      })),
      appointments: appointments.map((a) => ({
        id: a.id,
        reason: a.reason,
        patientName: a.patient_name,
        when: formatDateTime(a.starts_at, settings.time_zone, locale),
        status: a.status,
        confirmedFromPortal: a.confirmed_by_client_id !== null,
      })),
      access: access
        ? {
            status,
            lastSignIn: lastSignIn?.at ? formatDateTime(lastSignIn.at, settings.time_zone, locale) : null,
            practitioners: practitioners.map((p) => ({ id: p.id, name: p.name, jobTitle: p.job_title, available: p.available })),
          }
        : null,
      accounts,
      intake: intake.map((form) => ({ id: form.id, submitted: formatDateTime(form.submitted_at, settings.time_zone, locale), via: form.via, answers: form.answers })),
      can: { chart, access },
      words: patientWords(site.practice.kind, settings.wording),
    };
  });
}

/** Portal sharing of one record, switched by anyone with chart access; recorded with before and after. */
export async function setDocumentSharing(context: PorticoLoadContext, request: Request, rawId: string | undefined, shared: boolean): Promise<{ clientId: string }> {
  const id = idParam(rawId);
  const { page } = await adminPage(context, request, "chart_access", async ({ trx, staff, practiceId, now }) => {
    const document = await trx
      .selectFrom("documents as d")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "d.practice_id").onRef("p.id", "=", "d.patient_id"))
      .select(["d.id", "d.portal_shared", "p.client_id"])
      .where("d.id", "=", id)
      .executeTakeFirst();
    if (!document) throw notFound();
    if (document.portal_shared !== shared) {
      await trx.updateTable("documents").set({ portal_shared: shared, updated_at: now }).where("id", "=", id).execute();
      await recordAudit(trx, practiceId, {
        actorType: "staff",
        actorId: staff.id,
        action: "staff.document_sharing_changed",
        subjectType: "document",
        subjectId: id,
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        details: { before: { portalShared: document.portal_shared }, after: { portalShared: shared } },
        at: now,
      });
    }
    return { clientId: document.client_id };
  });
  return page;
}

/** Blocking ends the client's sessions at once; unblocking lets them sign in again. Audited. */
export async function setClientPortalBlocked(context: PorticoLoadContext, request: Request, rawId: string | undefined, blocked: boolean): Promise<void> {
  const id = idParam(rawId);
  await adminPage(context, request, "manage_client_portal_access", async ({ trx, staff, practiceId, now }) => {
    const client = await trx.selectFrom("clients").select(["id", "portal_blocked"]).where("id", "=", id).executeTakeFirst();
    if (!client) throw notFound();
    if (client.portal_blocked === blocked) return;
    await trx.updateTable("clients").set({ portal_blocked: blocked, updated_at: now }).where("id", "=", id).execute();
    if (blocked) await trx.deleteFrom("client_sessions").where("client_id", "=", id).execute();
    await recordAudit(trx, practiceId, {
      actorType: "staff",
      actorId: staff.id,
      action: blocked ? "staff.client_portal_blocked" : "staff.client_portal_unblocked",
      subjectType: "client",
      subjectId: id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { before: { portalBlocked: client.portal_blocked }, after: { portalBlocked: blocked } },
      at: now,
    });
    await recordEvent(trx, practiceId, { type: blocked ? "client.account_blocked" : "client.account_unblocked", data: { client: await clientRef(trx, id) } }, now);
  });
}

/** A patient's photo for staff: those who see charts, and those who review photos before enabling the portal. */
export async function getPatientPhotoForStaff(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  const { page } = await adminPage(
    context,
    request,
    (p) => p.includes("chart_access") || canViewPortalSettings(p),
    async ({ trx, practiceId }) => {
      const row = await trx.selectFrom("patient_photos").select(["content", "file_id", "content_type", "uploaded_at"]).where("patient_id", "=", id).executeTakeFirst();
      return row && openPhoto(context, trx, practiceId, row);
    },
  );
  if (!page) throw notFound();
  return page;
}

/** One record as staff see it, with its portal sharing switch. */
export async function getDocumentForStaff(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  return adminPage(context, request, "chart_access", async ({ trx, staff, practiceId, now }) => {
    const row = await trx
      .selectFrom("documents as d")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "d.practice_id").onRef("p.id", "=", "d.patient_id"))
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
      .select(["d.id", "d.title", "d.category", "d.status", "d.visit_date", "d.portal_shared", "d.content", "d.author_name", "p.name as patient_name", "c.id as client_id", "c.first_name", "c.last_name"])
      .where("d.id", "=", id)
      .executeTakeFirst();
    if (!row) throw notFound();
    await recordAudit(trx, practiceId, { actorType: staff.actorType, actorId: staff.id, action: "staff.document_viewed", subjectType: "document", subjectId: id, ip: context.visitor.ip, userAgent: context.visitor.userAgent, at: now });
    return {
      id: row.id,
      title: row.title,
      category: CATEGORY_LABELS[row.category as DocumentCategory],
      status: row.status,
      visitDate: row.visit_date,
      portalShared: row.portal_shared,
      content: row.content,
      author: row.author_name,
      patientName: row.patient_name,
      client: { id: row.client_id, name: `${row.first_name} ${row.last_name}` },
      files: (await documentFileLinksFor(trx, [row.id])).get(row.id) ?? [],
    };
  });
}

/** Which practitioners this client may book with online; replaces the whole set, audited with before and after. */
export async function setAvailablePractitioners(context: PorticoLoadContext, request: Request, rawId: string | undefined, staffIds: string[]): Promise<void> {
  const id = idParam(rawId);
  const wanted = z.array(z.uuid()).max(200).safeParse(staffIds);
  if (!wanted.success) throw new Response("Choose practitioners from the list", { status: 400 });
  await adminPage(context, request, "manage_client_portal_access", async ({ trx, staff, practiceId, now }) => {
    const client = await trx.selectFrom("clients").select("id").where("id", "=", id).executeTakeFirst();
    if (!client) throw notFound();
    const before = (await trx.selectFrom("client_available_practitioners").select("staff_id").where("client_id", "=", id).execute()).map((r) => r.staff_id).sort();
    // Only practitioners (active staff whose role has chart access) can be offered for booking.
    const valid = wanted.data.length
      ? (
          await trx
            .selectFrom("staff_members as m")
            .innerJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "m.practice_id").onRef("r.id", "=", "m.role_id"))
            .select("m.id")
            .where("m.id", "in", wanted.data)
            .where("m.active", "=", true)
            .where(sql<boolean>`'chart_access' = any(r.permissions)`)
            .execute()
        )
          .map((r) => r.id)
          .sort()
      : [];
    if (JSON.stringify(before) === JSON.stringify(valid)) return;
    await trx.deleteFrom("client_available_practitioners").where("client_id", "=", id).execute();
    if (valid.length) await trx.insertInto("client_available_practitioners").values(valid.map((staffId) => ({ practice_id: practiceId, client_id: id, staff_id: staffId }))).execute();
    await recordAudit(trx, practiceId, {
      actorType: "staff",
      actorId: staff.id,
      action: "staff.client_practitioners_changed",
      subjectType: "client",
      subjectId: id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { before: { practitioners: before }, after: { practitioners: valid } },
      at: now,
    });
  });
}
