import { z } from "zod";
import { DOCUMENT_CATEGORIES, type DocumentCategory, type ShareThreshold, type SignInMethods } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import { endEveryClientSession } from "../../../server/auth/client-session.server";
import { canViewPortalSettings } from "../../admin/permissions";
import { CATEGORY_LABELS } from "../../categories";
import type { PorticoLoadContext } from "../../load-context";
import { notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

export type PortalSettingsView = {
  canEdit: boolean;
  portalEnabled: boolean;
  subdomain: string;
  url: string;
  sharedCategories: DocumentCategory[];
  categories: { value: DocumentCategory; label: string }[];
  diagnosticsShareStatus: ShareThreshold;
  templates: { id: string; name: string; category: string; shared: boolean }[];
  signInMethods: SignInMethods;
  photos: { patientId: string; patientName: string; clientName: string }[] | null;
};

async function readSettings(scope: StaffScope): Promise<PortalSettingsView> {
  const { trx, site } = scope;
  const settings = await trx.selectFrom("practice_settings").select(["portal_enabled", "shared_categories", "diagnostics_share_status", "sign_in_methods"]).executeTakeFirstOrThrow();
  const templates = await trx.selectFrom("document_templates").select(["id", "name", "category", "shared_with_portal"]).orderBy("name").execute();
  const photos =
    site.practice.kind === "veterinary"
      ? await trx
          .selectFrom("patient_photos as ph")
          .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "ph.practice_id").onRef("p.id", "=", "ph.patient_id"))
          .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
          .select(["p.id", "p.name", "c.first_name", "c.last_name"])
          .where("p.status", "=", "active")
          .orderBy("p.name")
          .execute()
      : null;
  return {
    canEdit: scope.staff.permissions.includes("admin_manage_pet_owner_portal"),
    portalEnabled: settings.portal_enabled,
    subdomain: site.practice.subdomain,
    url: site.origin,
    sharedCategories: settings.shared_categories,
    categories: DOCUMENT_CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] })),
    diagnosticsShareStatus: settings.diagnostics_share_status,
    templates: templates.map((t) => ({ id: t.id, name: t.name, category: CATEGORY_LABELS[t.category], shared: t.shared_with_portal })),
    signInMethods: settings.sign_in_methods,
    photos: photos?.map((p) => ({ patientId: p.id, patientName: p.name, clientName: `${p.first_name} ${p.last_name}` })) ?? null,
  };
}

export async function getPortalSettings(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, canViewPortalSettings, readSettings);
}

const settingsForm = z.object({
  portalEnabled: z.boolean(),
  sharedCategories: z.array(z.enum(DOCUMENT_CATEGORIES)),
  diagnosticsShareStatus: z.enum(["to_review", "to_share", "completed"], { error: "Choose when lab results and imaging become visible." }),
  sharedTemplates: z.array(z.uuid()),
  signInMethods: z.enum(["magic_link", "password", "both"], { error: "Choose how clients sign in." }),
});

export type SettingsUpdate = { ok: true } | { ok: false; error: string };

/**
 * Saves every portal setting in one transaction and records what changed (before and after) in the audit log.
 * Disabling the portal keeps everything else as it is, so re-enabling restores it exactly, except sessions: they end
 * in the same transaction, for good, so re-enabling signs nobody back in.
 */
export async function updatePortalSettings(context: PorticoLoadContext, request: Request, form: FormData): Promise<SettingsUpdate> {
  const parsed = settingsForm.safeParse({
    portalEnabled: form.get("portalEnabled") === "on",
    sharedCategories: form.getAll("sharedCategories"),
    diagnosticsShareStatus: form.get("diagnosticsShareStatus"),
    sharedTemplates: form.getAll("sharedTemplates"),
    signInMethods: form.get("signInMethods"),
  });
  const { page } = await adminPage(context, request, "admin_manage_pet_owner_portal", async (scope): Promise<SettingsUpdate> => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Some settings were not valid." };
    const input = parsed.data;
    const before = await readSettings(scope);
    const unknownTemplate = input.sharedTemplates.find((id) => !before.templates.some((t) => t.id === id));
    if (unknownTemplate) return { ok: false, error: "One of the templates no longer exists. Please reload the page." };

    const { trx } = scope;
    const sharedCategories = DOCUMENT_CATEGORIES.filter((c) => input.sharedCategories.includes(c));
    await trx
      .updateTable("practice_settings")
      .set({ portal_enabled: input.portalEnabled, shared_categories: sharedCategories, diagnostics_share_status: input.diagnosticsShareStatus, sign_in_methods: input.signInMethods, updated_at: scope.now })
      .execute();
    if (!input.portalEnabled) await endEveryClientSession(trx, scope.practiceId);
    for (const template of before.templates) {
      const shared = input.sharedTemplates.includes(template.id);
      if (shared !== template.shared) await trx.updateTable("document_templates").set({ shared_with_portal: shared }).where("id", "=", template.id).execute();
    }

    const beforeValues = { signInMethods: before.signInMethods, portalEnabled: before.portalEnabled, sharedCategories: before.sharedCategories, diagnosticsShareStatus: before.diagnosticsShareStatus, sharedTemplates: before.templates.filter((t) => t.shared).map((t) => t.name) };
    const afterValues = { signInMethods: input.signInMethods, portalEnabled: input.portalEnabled, sharedCategories, diagnosticsShareStatus: input.diagnosticsShareStatus, sharedTemplates: before.templates.filter((t) => input.sharedTemplates.includes(t.id)).map((t) => t.name) };
    const changed = (Object.keys(afterValues) as (keyof typeof afterValues)[]).filter((key) => JSON.stringify(beforeValues[key]) !== JSON.stringify(afterValues[key]));
    if (changed.length > 0) {
      await recordAudit(trx, scope.practiceId, {
        actorType: "staff",
        actorId: scope.staff.id,
        action: "staff.portal_settings_changed",
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        details: { before: Object.fromEntries(changed.map((k) => [k, beforeValues[k]])), after: Object.fromEntries(changed.map((k) => [k, afterValues[k]])) },
        at: scope.now,
      });
    }
    return { ok: true };
  });
  return page;
}

/** Pet photos review: staff remove a photo that should not appear to clients. */
export async function removePatientPhoto(context: PorticoLoadContext, request: Request, patientId: string | undefined): Promise<void> {
  const id = z.uuid().safeParse(patientId);
  const { page: discardFile } = await adminPage(context, request, "admin_manage_pet_owner_portal", async (scope) => {
    if (!id.success) throw notFound();
    const removed = await scope.trx.deleteFrom("patient_photos").where("patient_id", "=", id.data).returning("file_id").executeTakeFirst();
    if (removed) {
      await recordAudit(scope.trx, scope.practiceId, {
        actorType: "staff",
        actorId: scope.staff.id,
        action: "staff.patient_photo_removed",
        subjectType: "patient",
        subjectId: id.data,
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        at: scope.now,
      });
      await recordEvent(scope.trx, scope.practiceId, { type: "client.photo_removed", data: { ...(await patientRefs(scope.trx, id.data)), removedBy: "staff" } }, scope.now);
    }
    return removed?.file_id ? context.files.removeFile(scope.trx, { id: scope.practiceId }, removed.file_id) : undefined;
  });
  // The bytes go once the row's removal is committed; if that fails they stay as an orphan (ADR 014).
  if (discardFile) await context.runAfterResponse("remove a patient photo's file", discardFile);
}
