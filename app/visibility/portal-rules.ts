import { dateTimeFormat } from "../time";
import type { AccessLevel, ProxyPermission, AppointmentStatus, DocumentCategory, DocumentStatus, PatientStatus, PrescriptionStatus, ReminderStatus, ShareThreshold } from "../../db/schema";

/**
 * What a signed-in client may see, as pure functions. The same rules are written in SQL in
 * portal-queries.server.ts, and test/integration/visibility-agreement.test.ts proves the two agree on many random
 * cases. Change one, change the other.
 */

export type SharingSettings = {
  portalEnabled: boolean;
  sharedCategories: readonly DocumentCategory[];
  diagnosticsShareStatus: ShareThreshold;
};

/**
 * Limited accounts (self-registered) see only what the client made or was asked to do: nothing the practice
 * generated (records, prescriptions, reminders, appointments staff booked). Full accounts, and clients signed in by
 * a link to an address on their record, see what the sharing rules allow.
 */
export function seesPracticeRecords(access: AccessLevel): boolean {
  return access === "full";
}

export function isAppointmentVisibleTo(access: AccessLevel, appointment: { bookedBy: "practice" | "client" }): boolean {
  return access === "full" || appointment.bookedBy === "client";
}

export type PortalArea = "records" | "appointments" | "book" | "forms";

const AREA_PERMISSION: Record<PortalArea, ProxyPermission> = { records: "view_records", appointments: "view_appointments", book: "book", forms: "fill_forms" };

/**
 * What a linked person may open for a family member: records (with prescriptions and reminders), appointments,
 * booking, forms, each only with its permission. A client's own records carry every permission.
 */
export function proxyAllows(permissions: readonly ProxyPermission[], area: PortalArea): boolean {
  return permissions.includes(AREA_PERMISSION[area]);
}

/**
 * Which right opens each page for a linked person. Prescriptions and reminders are part of the clinical record, so
 * the records right covers them: whoever may read a family member's records may see their medication and what falls
 * due; someone trusted only with appointments sees none of the three (not even an empty list).
 */
export const PAGE_AREA = { records: "records", prescriptions: "records", reminders: "records", appointments: "appointments" } as const satisfies Record<string, PortalArea>;

/** A link with an end date (a parent's access to a teenager's records) lasts through that day, in the practice's calendar. */
export function isMemberLinkActive(link: { endsOn: string | null }, today: string): boolean {
  return link.endsOn === null || link.endsOn >= today;
}

/** Only active patients appear: deceased ones never, anywhere; inactive ones are not part of the portal either. */
export function isPatientVisible(patient: { status: PatientStatus }): boolean {
  return patient.status === "active";
}

const THRESHOLD_CATEGORIES: ReadonlySet<DocumentCategory> = new Set(["diagnostics", "imaging"]);
const STATUS_RANK: Record<DocumentStatus, number> = { draft: 0, to_review: 1, to_share: 2, completed: 3, voided: -1 };

export function isDocumentVisible(document: { category: DocumentCategory; status: DocumentStatus; portalShared: boolean }, settings: SharingSettings): boolean {
  if (!settings.portalEnabled || !document.portalShared) return false;
  if (!settings.sharedCategories.includes(document.category)) return false;
  if (document.status === "draft" || document.status === "voided") return false;
  if (THRESHOLD_CATEGORIES.has(document.category)) return STATUS_RANK[document.status] >= STATUS_RANK[settings.diagnosticsShareStatus];
  return document.status === "completed";
}

/**
 * Whether a client sees one record in the portal: their account's access level, the patient, and the practice's
 * sharing rules together. The portal's query (visibleDocuments) is this rule in SQL; the staff client page's "Client
 * sees it" is this very function, so the two pages cannot tell different stories.
 */
export function isRecordVisibleTo(
  access: AccessLevel,
  record: { patientStatus: PatientStatus; category: DocumentCategory; status: DocumentStatus; portalShared: boolean },
  settings: SharingSettings,
): boolean {
  return seesPracticeRecords(access) && isPatientVisible({ status: record.patientStatus }) && isDocumentVisible(record, settings);
}

export function isPrescriptionVisible(prescription: { status: PrescriptionStatus }): boolean {
  return prescription.status === "active" || prescription.status === "completed";
}

export type AppointmentSection = "upcoming" | "past" | "hidden";

/**
 * Upcoming: requested, scheduled or confirmed, still to come (a request shows as awaiting the practice). Past:
 * completed visits. Cancelled, declined and missed appointments are not shown: the client was emailed about a
 * cancellation or a declined request, the practice follows up the rest itself, and a list of no-shows helps no client.
 */
export function appointmentSection(appointment: { status: AppointmentStatus; startsAt: Date }, now: Date): AppointmentSection {
  if ((appointment.status === "requested" || appointment.status === "scheduled" || appointment.status === "confirmed") && appointment.startsAt > now) return "upcoming";
  if (appointment.status === "completed") return "past";
  return "hidden";
}

export function canConfirmAppointment(appointment: { status: AppointmentStatus; startsAt: Date }, now: Date): boolean {
  return appointment.status === "scheduled" && appointment.startsAt > now;
}

export type ReminderSection = "overdue" | "upcoming" | "hidden";

/** `today` is the practice's calendar date (see todayIn): a reminder due today is not yet overdue. */
export function reminderSection(reminder: { status: ReminderStatus; dueOn: string }, today: string): ReminderSection {
  if (reminder.status !== "pending") return "hidden";
  return reminder.dueOn < today ? "overdue" : "upcoming";
}

/** The calendar date (YYYY-MM-DD) at `now` in the practice's time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return dateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}
