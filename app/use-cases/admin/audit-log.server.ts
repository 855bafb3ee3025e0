import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../../../server/audit.server";
import { auditDetailsInWords } from "../../admin/audit-details";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { calendarDateSchema } from "../record-fields";
import { adminPage, type StaffScope } from "./admin-page.server";

const PAGE_SIZE = 100;
const EXPORT_LIMIT = 50_000;

const filtersSchema = z.object({
  actor: z.uuid().optional().catch(undefined),
  action: z.string().regex(/^[a-z_.]+$/).max(80).optional().catch(undefined),
  from: calendarDateSchema.optional().catch(undefined),
  to: calendarDateSchema.optional().catch(undefined),
  // At most 18 digits: every such number fits the bigint sequence, so a longer one is ignored rather than sent to Postgres.
  before: z.string().regex(/^\d{1,18}$/).optional().catch(undefined),
});

export type AuditFilters = z.infer<typeof filtersSchema>;

/** `details` is the stored JSON (for the CSV export); `detailsInWords` the same for people to read. */
export type AuditRow = { seq: string; when: string; isoTime: string; actor: string; actorType: string; action: string; subject: string; ip: string; details: string; detailsInWords: string };

function filtersFrom(request: Request): AuditFilters {
  return filtersSchema.parse(Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== "")));
}

function actorLabel(actorType: string, details: Record<string, unknown>): string {
  if (actorType === "anonymous") return "Not signed in";
  if (actorType === "support") return typeof details.supportUser === "string" ? `Portico support (${details.supportUser})` : "Portico support";
  if (actorType === "api_key") return typeof details.apiKey === "string" ? `API key "${details.apiKey}"` : "API key";
  return actorType;
}

/** The practice's audit events, newest first, with the names of the people involved; dates in the practice's zone. */
async function readEvents(scope: StaffScope, filters: AuditFilters, limit: number): Promise<{ rows: AuditRow[]; timeZone: string }> {
  const { trx } = scope;
  const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
  let query = trx
    .selectFrom("audit_events as e")
    .leftJoin("staff_members as s", (join) => join.onRef("s.practice_id", "=", "e.practice_id").onRef("s.id", "=", "e.actor_id"))
    .leftJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "e.practice_id").onRef("c.id", "=", "e.actor_id"))
    .select(["e.seq", "e.occurred_at", "e.actor_type", "e.action", "e.subject_type", "e.subject_id", "e.ip", "e.details", "s.name as staff_name", "c.first_name", "c.last_name"]);
  if (filters.actor) query = query.where("e.actor_id", "=", filters.actor);
  if (filters.action) query = query.where("e.action", "=", filters.action);
  if (filters.from) query = query.where(sql<boolean>`(e.occurred_at at time zone ${timeZone})::date >= ${filters.from}::date`);
  if (filters.to) query = query.where(sql<boolean>`(e.occurred_at at time zone ${timeZone})::date <= ${filters.to}::date`);
  if (filters.before) query = query.where("e.seq", "<", filters.before as never);
  const rows = await query.orderBy("e.seq", "desc").limit(limit).execute();
  const locale = localeFor(timeZone);
  return {
    timeZone,
    rows: rows.map((r) => ({
      seq: r.seq,
      when: formatDateTime(r.occurred_at, timeZone, locale),
      isoTime: r.occurred_at.toISOString(),
      actor: r.staff_name ?? (r.first_name ? `${r.first_name} ${r.last_name}` : actorLabel(r.actor_type, r.details)),
      actorType: r.actor_type,
      action: r.action,
      subject: r.subject_type ? `${r.subject_type} ${r.subject_id ?? ""}`.trim() : "",
      ip: r.ip ?? "",
      details: Object.keys(r.details).length ? JSON.stringify(r.details) : "",
      detailsInWords: auditDetailsInWords(r.details),
    })),
  };
}

export async function listAuditEvents(context: PorticoLoadContext, request: Request) {
  const filters = filtersFrom(request);
  return adminPage(context, request, "view_audit_log", async (scope) => {
    const { rows } = await readEvents(scope, filters, PAGE_SIZE + 1);
    const staff = await scope.trx.selectFrom("staff_members").select(["id", "name"]).orderBy("name").execute();
    const actions = await scope.trx.selectFrom("audit_events").select("action").distinct().orderBy("action").execute();
    const shown = rows.slice(0, PAGE_SIZE);
    return { filters, rows: shown, older: rows.length > PAGE_SIZE ? (shown.at(-1)?.seq ?? null) : null, staff, actions: actions.map((a) => a.action) };
  });
}

function csvField(value: string): string {
  // Quote everything; neutralise spreadsheet formulas (a cell starting with = + - @ would be evaluated).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** The same filtered events as CSV, for the practice's own records. */
export async function exportAuditEvents(context: PorticoLoadContext, request: Request): Promise<string> {
  const filters = { ...filtersFrom(request), before: undefined };
  const { page } = await adminPage(context, request, "view_audit_log", async (scope) => {
    const events = await readEvents(scope, filters, EXPORT_LIMIT);
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: scope.staff.actorType,
      actorId: scope.staff.id,
      action: "staff.audit_log_exported",
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { filters, rows: events.rows.length },
      at: scope.now,
    });
    return events;
  });
  const header = ["time_utc", "time_local", "actor", "actor_type", "action", "subject", "ip", "details"];
  const lines = page.rows.map((r) => [r.isoTime, r.when, r.actor, r.actorType, r.action, r.subject, r.ip, r.details].map(csvField).join(","));
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
