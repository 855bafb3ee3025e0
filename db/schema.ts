import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `YYYY-MM-DD`: calendar dates are never converted to instants (see connection.server.ts). */
type CalendarDate = string;
/**
 * postgres.js serialises parameters of json/jsonb type itself: pass values, never JSON.stringify them (that would
 * store a JSON string). A database default makes the insert optional.
 */
type JsonWithDefault<T> = ColumnType<T, T | undefined, T>;

export type PracticeKind = "veterinary" | "human";
export type PracticeStatus = "active" | "suspended";
export type Deployment = "shared" | "dedicated";

export type PracticesTable = {
  id: Generated<string>;
  subdomain: string;
  name: string;
  kind: PracticeKind;
  status: Generated<PracticeStatus>;
  deployment: Generated<Deployment>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type Wording = { patientSingular?: string; patientPlural?: string; clientSingular?: string };

export const DOCUMENT_CATEGORIES = [
  "visit_notes",
  "vaccination_certificates",
  "diagnostics",
  "imaging",
  "discharge_instructions",
  "treatment_plans",
  "referral_letters",
  "consent_forms",
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];
export type DocumentStatus = "draft" | "to_review" | "to_share" | "completed" | "voided";
export type ShareThreshold = "to_review" | "to_share" | "completed";

export type PracticeSettingsTable = {
  practice_id: string;
  portal_enabled: Generated<boolean>;
  shared_categories: ColumnType<DocumentCategory[], DocumentCategory[] | undefined, DocumentCategory[]>;
  diagnostics_share_status: Generated<ShareThreshold>;
  direct_booking_enabled: Generated<boolean>;
  phone: string | null;
  email: string | null;
  website: string | null;
  time_zone: Generated<string>;
  wording: JsonWithDefault<Wording>;
  updated_at: Timestamp;
};

export type OpeningHours = { days: string; hours: string }[];

export type LocationsTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  address: string;
  phone: string | null;
  email: string | null;
  time_zone: string;
  opening_hours: JsonWithDefault<OpeningHours>;
  position: Generated<number>;
  created_at: Timestamp;
};

export type ClientsTable = {
  practice_id: string;
  id: Generated<string>;
  first_name: string;
  last_name: string;
  phone: string | null;
  status: Generated<"active" | "inactive">;
  portal_blocked: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type ClientEmailsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  email: string;
  is_primary: Generated<boolean>;
  created_at: Timestamp;
};

export type AlternativeContactsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  name: string;
  relationship: string | null;
  phone: string | null;
  created_at: Timestamp;
};

export type AlternativeContactEmailsTable = {
  practice_id: string;
  id: Generated<string>;
  contact_id: string;
  email: string;
};

export type PatientStatus = "active" | "inactive" | "deceased";

export type PatientsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  name: string;
  species: string | null;
  breed: string | null;
  sex: string | null;
  date_of_birth: CalendarDate | null;
  status: Generated<PatientStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type StaffMembersTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  email: string;
  job_title: string | null;
  active: Generated<boolean>;
  role_id: string | null;
  password_hash: string | null;
  last_sign_in_at: Date | null;
  created_at: Timestamp;
};

export type StaffRolesTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  permissions: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
};

export type StaffInvitationsTable = {
  practice_id: string;
  id: Generated<string>;
  staff_id: string;
  token_hash: Buffer;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  invited_by: string | null;
};

export type StaffSessionsTable = {
  practice_id: string;
  id: string;
  staff_id: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
};

export type ClientSignInLinksTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  client_email_id: string;
  email: string;
  token_hash: Buffer;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
};

export type ClientSessionsTable = {
  practice_id: string;
  /** SHA-256 (hex) of the secret in the cookie, never the secret itself. */
  id: string;
  client_id: string;
  client_email_id: string;
  email: string;
  created_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
};

export type RateLimitCountersTable = {
  practice_id: string;
  bucket: string;
  window_start: Date;
  hits: number;
};

export type ActorType = "client" | "staff" | "support" | "system" | "anonymous";

export type AuditEventsTable = {
  practice_id: string;
  id: Generated<string>;
  /** int8, returned as a string by the driver. */
  seq: ColumnType<string, never, never>;
  occurred_at: ColumnType<Date, Date | undefined, never>;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
};

export type OutboxStatus = "pending" | "sent" | "failed" | "dead";

export type OutboxTable = {
  id: string;
  practice_id: string | null;
  created_at: Timestamp;
  kind: string;
  from_name: string;
  reply_to: string | null;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Date | null;
  provider_message_id: string | null;
};

export type DocumentTemplatesTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  category: DocumentCategory;
  shared_with_portal: Generated<boolean>;
  created_at: Timestamp;
};

export type DocumentsTable = {
  practice_id: string;
  id: Generated<string>;
  patient_id: string;
  template_id: string | null;
  visit_date: CalendarDate;
  title: string;
  category: DocumentCategory;
  status: Generated<DocumentStatus>;
  portal_shared: boolean;
  content: Generated<string>;
  author_name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type PrescriptionStatus = "draft" | "active" | "completed" | "voided";

export type PrescriptionsTable = {
  practice_id: string;
  id: Generated<string>;
  patient_id: string;
  medication: string;
  strength: string | null;
  directions: string;
  quantity: string | null;
  refills_remaining: Generated<number>;
  prescriber_name: string;
  prescribed_on: CalendarDate;
  status: Generated<PrescriptionStatus>;
  created_at: Timestamp;
};

export type AppointmentStatus = "scheduled" | "confirmed" | "cancelled" | "completed" | "no_show";

export type AppointmentsTable = {
  practice_id: string;
  id: Generated<string>;
  patient_id: string;
  location_id: string;
  practitioner_name: string;
  reason: string;
  starts_at: Date;
  ends_at: Date;
  status: Generated<AppointmentStatus>;
  confirmed_at: Date | null;
  confirmed_by_client_id: string | null;
  created_at: Timestamp;
};

export type ReminderStatus = "pending" | "completed" | "cancelled";

export type RemindersTable = {
  practice_id: string;
  id: Generated<string>;
  patient_id: string;
  description: string;
  due_on: CalendarDate;
  status: Generated<ReminderStatus>;
  created_at: Timestamp;
};

export type PatientPhotosTable = {
  practice_id: string;
  patient_id: string;
  content: Buffer;
  content_type: "image/jpeg" | "image/png" | "image/webp";
  width: number;
  height: number;
  uploaded_by: "client" | "staff";
  uploaded_at: Timestamp;
};

export type Database = {
  "platform.practices": PracticesTable;
  practice_settings: PracticeSettingsTable;
  locations: LocationsTable;
  clients: ClientsTable;
  client_emails: ClientEmailsTable;
  alternative_contacts: AlternativeContactsTable;
  alternative_contact_emails: AlternativeContactEmailsTable;
  patients: PatientsTable;
  staff_members: StaffMembersTable;
  client_sign_in_links: ClientSignInLinksTable;
  client_sessions: ClientSessionsTable;
  rate_limit_counters: RateLimitCountersTable;
  audit_events: AuditEventsTable;
  document_templates: DocumentTemplatesTable;
  documents: DocumentsTable;
  prescriptions: PrescriptionsTable;
  appointments: AppointmentsTable;
  reminders: RemindersTable;
  patient_photos: PatientPhotosTable;
  staff_roles: StaffRolesTable;
  staff_sessions: StaffSessionsTable;
  staff_invitations: StaffInvitationsTable;
  "mail.outbox": OutboxTable;
};

export type PracticeRow = Selectable<PracticesTable>;
export type NewPatient = Insertable<PatientsTable>;
