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
  placement_id: ColumnType<string | null, string | null | undefined, string | null>;
  contact_phone: ColumnType<string | null, string | null | undefined, string | null>;
  contact_email: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type DatabasePlacementsTable = {
  id: Generated<string>;
  location: string;
  owner_url_sealed: string;
  app_url_sealed: string;
  key_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SupportSessionStage = "awaiting_code" | "enrollment_required" | "full";

export type SupportUsersTable = {
  id: Generated<string>;
  email: string;
  email_key: ColumnType<string, never, never>;
  name: string;
  password_hash: string | null;
  totp_key: Buffer | null;
  totp_last_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  active: Generated<boolean>;
  created_at: Timestamp;
};

export type SupportSetupTokensTable = {
  token_hash: Buffer;
  support_user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
};

export type SupportSessionsTable = {
  id: string;
  support_user_id: string;
  stage: SupportSessionStage;
  created_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
};

export type PlatformRateLimitCountersTable = { bucket: string; window_start: Timestamp; hits: number };

export type SupportAccessGrantsTable = {
  id: Generated<string>;
  support_user_id: string;
  practice_id: string;
  reason: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  token_hash: Buffer;
  redeemed_at: Timestamp | null;
  session_key: string | null;
  ended_at: Timestamp | null;
};

export type PlatformAuditEventsTable = {
  seq: ColumnType<string, never, never>;
  occurred_at: Timestamp;
  support_user_id: string | null;
  action: string;
  practice_id: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
  ip: string | null;
  user_agent: string | null;
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

/** Off, or clients book free times themselves (requests that staff approve come with the schedule view). */
export type BookingMode = "off" | "requests" | "direct";

export type PracticeSettingsTable = {
  practice_id: string;
  portal_enabled: Generated<boolean>;
  shared_categories: ColumnType<DocumentCategory[], DocumentCategory[] | undefined, DocumentCategory[]>;
  diagnostics_share_status: Generated<ShareThreshold>;
  booking_mode: Generated<BookingMode>;
  booking_min_notice_minutes: Generated<number>;
  booking_max_advance_days: Generated<number>;
  booking_slot_step_minutes: Generated<number>;
  booking_cancel_window_hours: Generated<number>;
  booking_new_patients: Generated<boolean>;
  booking_new_clients: Generated<boolean>;
  staff_totp_required: Generated<boolean>;
  sign_in_methods: Generated<SignInMethods>;
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
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** False once the practice system closed it: never listed in the portal, kept for the appointments there. */
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type ClientsTable = {
  practice_id: string;
  id: Generated<string>;
  first_name: string;
  last_name: string;
  phone: string | null;
  status: Generated<"active" | "inactive">;
  portal_blocked: Generated<boolean>;
  /** Generated by the database: lower-case keys and phone digits, comparable with leakproof operators under RLS. */
  last_name_key: ColumnType<string, never, never>;
  first_name_key: ColumnType<string, never, never>;
  phone_digits_reversed: ColumnType<string, never, never>;
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  address: ColumnType<PostalAddress | null, PostalAddress | null | undefined, PostalAddress | null>;
  /** Phones after the first (`phone`, the one searched). */
  other_phones: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type PostalAddress = { line1: string; line2?: string; city: string; region?: string; postal_code?: string; country: string };

export type ClientEmailsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  email: string;
  /** Generated: lower(email). */
  email_key: ColumnType<string, never, never>;
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
  /** Generated: lower(name). */
  name_key: ColumnType<string, never, never>;
  species: string | null;
  breed: string | null;
  sex: string | null;
  date_of_birth: CalendarDate | null;
  status: Generated<PatientStatus>;
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type StaffMembersTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  email: string;
  /** Generated: lower(email). */
  email_key: ColumnType<string, never, never>;
  job_title: string | null;
  active: Generated<boolean>;
  role_id: string | null;
  password_hash: string | null;
  last_sign_in_at: Date | null;
  /** TOTP key; active once totp_enabled_at is set (before that, an enrolment in progress). */
  totp_secret: Buffer | null;
  totp_enabled_at: Date | null;
  /** int8 as a string: the last accepted TOTP time step (a code is never accepted twice). */
  totp_last_step: string | null;
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

export type ClientAvailablePractitionersTable = { practice_id: string; client_id: string; staff_id: string };

export type StaffSessionStage = "full" | "awaiting_code" | "enrollment_required";

export type StaffSessionsTable = {
  practice_id: string;
  id: string;
  staff_id: string;
  stage: Generated<StaffSessionStage>;
  code_attempts: Generated<number>;
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
  client_email_id: string | null;
  account_id: string | null;
  email: string;
  created_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  stage: Generated<ClientSessionStage>;
  last_seen_at: Date | null;
  acting_client_id: string | null;
};

export type ClientSessionStage = "full" | "password_change_required" | "kiosk";
export const PROXY_PERMISSIONS = ["view_records", "view_appointments", "book", "fill_forms"] as const;
export type ProxyPermission = (typeof PROXY_PERMISSIONS)[number];

export type ClientAccountMembersTable = {
  practice_id: string;
  account_id: string;
  client_id: string;
  relationship: string;
  permissions: ProxyPermission[];
  ends_on: CalendarDate | null;
  created_at: Timestamp;
  created_by: string | null;
};

export type IntakeSubmissionsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  submitted_at: Date;
  via: "kiosk" | "portal";
  answers: Record<string, string>;
};
export type AccessLevel = "limited" | "full";
export type SignInMethods = "magic_link" | "password" | "both";

export type ClientAccountsTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  login: string;
  login_key: ColumnType<string, never, never>;
  password_hash: string | null;
  /** Chosen on /book, in force once the emailed sign-in link confirms the address. */
  pending_password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  password_temporary: Generated<boolean>;
  access_level: AccessLevel;
  created_via: "invitation" | "access_link" | "manual" | "self_registration";
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: Date | null;
};

export type FormsTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  /** The definition staff are editing (app/forms/definition.ts); published copies are in form_versions. */
  draft: JsonWithDefault<Record<string, unknown>>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type FormVersionsTable = {
  practice_id: string;
  id: Generated<string>;
  form_id: string;
  version: number;
  definition: Record<string, unknown>;
  published_at: Date;
  published_by: string | null;
};

export type FormRequestStatus = "sent" | "started" | "submitted" | "reviewed";

export type FormRequestsTable = {
  practice_id: string;
  id: Generated<string>;
  form_version_id: string;
  client_id: string;
  patient_id: string | null;
  appointment_id: string | null;
  status: Generated<FormRequestStatus>;
  answers: JsonWithDefault<Record<string, unknown>>;
  sent_via: "staff" | "appointment" | "kiosk";
  sent_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Date | null;
  submitted_at: Date | null;
  submitted_ip: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
};

export type AppointmentTypeFormsTable = {
  practice_id: string;
  appointment_type_id: string;
  form_id: string;
};

export type ClientAccountLinkKind = "invitation" | "access_link" | "password_reset" | "form_registration";

export type ClientAccountLinksTable = {
  practice_id: string;
  id: Generated<string>;
  client_id: string;
  kind: ClientAccountLinkKind;
  email: string;
  token_hash: Buffer;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  created_by: string | null;
};

export type RateLimitCountersTable = {
  practice_id: string;
  bucket: string;
  window_start: Date;
  hits: number;
};

export type ActorType = "client" | "staff" | "support" | "system" | "anonymous" | "api_key";

export const API_SCOPES = ["read", "write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export type ApiKeysTable = {
  practice_id: string;
  id: Generated<string>;
  name: string;
  /** Visible part of the key (`pk_live_<prefix>_…`): finds the row; the secret's SHA-256 proves the rest. */
  prefix: string;
  secret_hash: Buffer;
  scopes: ApiScope[];
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Set when the key is rotated: it keeps working until then. */
  expires_at: Date | null;
  rotated_from: string | null;
};

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

/** A small file sent with an email; `content` is base64. */
export type EmailAttachment = { filename: string; contentType: string; content: string };

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
  attachments: ColumnType<EmailAttachment[] | null, string | null | undefined, string | null>;
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
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
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
  /** The practitioner author_name was copied from (integration API). */
  author_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The practitioner prescriber_name was copied from (integration API). */
  prescriber_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AppointmentStatus = "requested" | "scheduled" | "confirmed" | "declined" | "cancelled" | "completed" | "no_show";

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
  booked_by: Generated<"practice" | "client">;
  /** Why the visit, in the client's words when they booked it online. */
  client_note: ColumnType<string | null, string | null | undefined, string | null>;
  /** The practitioner practitioner_name was copied from, and the appointment's type (integration API). */
  practitioner_id: ColumnType<string | null, string | null | undefined, string | null>;
  appointment_type_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type ReminderStatus = "pending" | "completed" | "cancelled";

export type RemindersTable = {
  practice_id: string;
  id: Generated<string>;
  patient_id: string;
  description: string;
  due_on: CalendarDate;
  status: Generated<ReminderStatus>;
  /** The practice system's own id (integration API); null for rows made in Portico. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** The people who see patients, sign documents and prescribe, as the practice system knows them: not staff accounts. */
export type PractitionersTable = {
  practice_id: string;
  id: Generated<string>;
  external_id: string;
  name: string;
  title: string | null;
  active: Generated<boolean>;
  /** The staff account of this practitioner, if any: what a client's available-practitioners list names. */
  staff_member_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Offered for online booking (one of the practice's allowed practitioners). */
  bookable: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AppointmentTypesTable = {
  practice_id: string;
  id: Generated<string>;
  external_id: string;
  name: string;
  duration_minutes: number | null;
  active: Generated<boolean>;
  buffer_minutes: Generated<number>;
  bookable_online: Generated<boolean>;
  bookable_new_clients: Generated<boolean>;
  /** Veterinary practices: the species it is for (empty: any). */
  species: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AppointmentTypePractitionersTable = { practice_id: string; appointment_type_id: string; practitioner_id: string };
export type AppointmentTypeLocationsTable = { practice_id: string; appointment_type_id: string; location_id: string };

/** A practitioner's weekly hours at a location, on the practice's wall clock; ISO weekday (Monday = 1). */
export type PractitionerHoursTable = {
  practice_id: string;
  id: Generated<string>;
  practitioner_id: string;
  location_id: string;
  weekday: number;
  /** "HH:MM:SS" as Postgres answers a time. */
  starts: string;
  ends: string;
};

export type ScheduleExceptionKind = "time_off" | "extra_hours" | "closure";

export type ScheduleExceptionsTable = {
  practice_id: string;
  id: Generated<string>;
  kind: ScheduleExceptionKind;
  practitioner_id: string | null;
  location_id: string | null;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
  created_at: Generated<Date>;
};

/** A hold (expires) or an appointment booked in Portico: the time its practitioner cannot be booked twice. */
export type BookedTimeTable = {
  practice_id: string;
  id: Generated<string>;
  practitioner_id: string;
  /** A tstzrange, written as `[start,end)`. */
  during: string;
  /** Null only for a hold made on the public /book page, before the new client exists. */
  client_id: string | null;
  patient_id: string | null;
  location_id: string;
  appointment_type_id: string;
  appointment_id: string | null;
  hold_expires_at: Date | null;
  /** A hold for moving this appointment (booked online) to the held time. */
  reschedule_of: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
};

export type PatientPhotosTable = {
  practice_id: string;
  patient_id: string;
  /** The photo's bytes from before the file store; null once moved (docs/decisions/014-file-store.md). */
  content: Buffer | null;
  /** The photo in the file store. */
  file_id: string | null;
  content_type: "image/jpeg" | "image/png" | "image/webp";
  width: number;
  height: number;
  uploaded_by: "client" | "staff";
  uploaded_at: Timestamp;
};

export type DomainEventsTable = {
  practice_id: string;
  id: Generated<string>;
  type: string;
  data: Record<string, unknown>;
  occurred_at: Timestamp;
};

export type WebhookEndpointsTable = {
  practice_id: string;
  id: Generated<string>;
  url: string;
  description: Generated<string>;
  event_types: string[];
  secret_sealed: string;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  failing_since: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type WebhookDeliveryStatus = "pending" | "succeeded" | "dead" | "cancelled";

export type WebhookDeliveriesTable = {
  practice_id: string;
  id: Generated<string>;
  event_id: string;
  endpoint_id: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  replay_of: string | null;
  created_at: Timestamp;
};

/** Owner-role worker queue (no practice data): request traffic may only insert. */
export type WebhookQueueTable = {
  delivery_id: string;
  practice_id: string;
  due_at: Timestamp;
  lease_token: string | null;
};

export type FileKeysTable = {
  practice_id: string;
  id: Generated<string>;
  /** 32 random bytes sealed with the platform key (tenants/sealed-secrets.server.ts), bound to this row. */
  sealed_key: string;
  created_at: Timestamp;
};

export type FilePurpose = "patient_photo" | "document_file" | "form_answer";

export type FilesTable = {
  practice_id: string;
  id: string;
  purpose: FilePurpose;
  content_type: string;
  /** Of the plaintext, as are sha256 and the content type; int8, which postgres.js returns as a string. */
  byte_size: ColumnType<string, number, never>;
  sha256: Buffer;
  storage_key: string;
  key_id: string;
  created_at: Timestamp;
  created_by_type: "client" | "staff" | "system";
  created_by_id: string | null;
};

export type DocumentFileType = "application/pdf" | "image/jpeg" | "image/png";

/** A document's attached file by name; withdrawn rows stay (their bytes do not). */
export type DocumentFilesTable = {
  practice_id: string;
  id: Generated<string>;
  document_id: string;
  file_id: string | null;
  name: string;
  position: number;
  content_type: DocumentFileType;
  /** int8, which postgres.js returns as a string. */
  byte_size: ColumnType<string, number, never>;
  /** Of the stored (served) bytes. */
  sha256: Buffer;
  /** Of the bytes as the practice system sent them: the same again changes nothing. */
  received_sha256: Buffer;
  created_at: Timestamp;
  created_by_type: "api_key" | "staff" | "system";
  created_by_id: string | null;
  withdrawn_at: Date | null;
};

export type ImportStatus = "queued" | "running" | "done" | "failed";

export type ImportsTable = {
  practice_id: string;
  id: Generated<string>;
  source: "api" | "cli" | "csv";
  status: ColumnType<ImportStatus, ImportStatus | undefined, ImportStatus>;
  /** int8, which postgres.js returns as a string. */
  bytes: ColumnType<string, number | undefined, number>;
  lines_total: number | null;
  lines_done: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  failure: string | null;
  created_by_type: "api_key" | "staff" | "system";
  created_by: string | null;
  created_by_name: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  heartbeat_at: Timestamp | null;
};

export type ImportRejectionsTable = {
  practice_id: string;
  import_id: string;
  line: number;
  type: string | null;
  external_id: string | null;
  reason: string;
};

export type Database = {
  "platform.practices": PracticesTable;
  "platform.database_placements": DatabasePlacementsTable;
  "platform.support_users": SupportUsersTable;
  "platform.support_setup_tokens": SupportSetupTokensTable;
  "platform.support_sessions": SupportSessionsTable;
  "platform.rate_limit_counters": PlatformRateLimitCountersTable;
  "platform.ip_rate_limit_counters": PlatformRateLimitCountersTable;
  "platform.support_access_grants": SupportAccessGrantsTable;
  "platform.audit_events": PlatformAuditEventsTable;
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
  practitioners: PractitionersTable;
  appointment_types: AppointmentTypesTable;
  appointment_type_practitioners: AppointmentTypePractitionersTable;
  appointment_type_locations: AppointmentTypeLocationsTable;
  practitioner_hours: PractitionerHoursTable;
  schedule_exceptions: ScheduleExceptionsTable;
  booked_time: BookedTimeTable;
  forms: FormsTable;
  form_versions: FormVersionsTable;
  form_requests: FormRequestsTable;
  appointment_type_forms: AppointmentTypeFormsTable;
  patient_photos: PatientPhotosTable;
  file_keys: FileKeysTable;
  files: FilesTable;
  document_files: DocumentFilesTable;
  staff_roles: StaffRolesTable;
  staff_sessions: StaffSessionsTable;
  staff_invitations: StaffInvitationsTable;
  client_available_practitioners: ClientAvailablePractitionersTable;
  client_accounts: ClientAccountsTable;
  client_account_links: ClientAccountLinksTable;
  client_account_members: ClientAccountMembersTable;
  intake_submissions: IntakeSubmissionsTable;
  api_keys: ApiKeysTable;
  "mail.outbox": OutboxTable;
  domain_events: DomainEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  "webhook_queue.due": WebhookQueueTable;
  imports: ImportsTable;
  import_rejections: ImportRejectionsTable;
};

export type PracticeRow = Selectable<PracticesTable>;
export type NewPatient = Insertable<PatientsTable>;
