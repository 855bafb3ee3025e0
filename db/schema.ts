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

export type PracticeSettingsTable = {
  practice_id: string;
  portal_enabled: Generated<boolean>;
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
  created_at: Timestamp;
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
};

export type PracticeRow = Selectable<PracticesTable>;
export type NewPatient = Insertable<PatientsTable>;
