import { createHash } from "node:crypto";
import type postgres from "postgres";

/**
 * Realistic practice data at scale, generated inside Postgres (`insert … select` over generate_series), with
 * deterministic ids so the benchmark (and the plan test) can address any practice, client or record without
 * reading them back. Runs as a superuser: row-level security does not apply to it, and nothing else may write
 * across practices. Secondary indexes are dropped for the load and rebuilt after it, then the tables analysed.
 */

export type Shape = { practices: number; clients: number; patientsPerClient: number; documents: number; prescriptions: number; appointments: number; reminders: number };

export const FULL_SHAPE: Shape = { practices: 2000, clients: 50, patientsPerClient: 2, documents: 10, prescriptions: 3, appointments: 4, reminders: 3 };

/**
 * A deterministic id shaped like a version 4 uuid (the version and variant digits fixed, as the app's id validation
 * expects), from the md5 of a key; `uuidSql` computes the same in SQL.
 */
export function stableId(key: string): string {
  const hex = createHash("md5").update(key).digest("hex");
  const shaped = `${hex.slice(0, 12)}4${hex.slice(13, 16)}8${hex.slice(17)}`;
  return `${shaped.slice(0, 8)}-${shaped.slice(8, 12)}-${shaped.slice(12, 16)}-${shaped.slice(16, 20)}-${shaped.slice(20)}`;
}

export function uuidSql(keyExpression: string): string {
  return `(overlay(overlay(md5(${keyExpression}) placing '4' from 13) placing '8' from 17))::uuid`;
}

export const ids = {
  practice: (p: number) => stableId(`practice-${p}`),
  client: (p: number, c: number) => stableId(`client-${p}-${c}`),
  patient: (p: number, c: number, k: number) => stableId(`patient-${p}-${c}-${k}`),
  document: (p: number, c: number, k: number, d: number) => stableId(`document-${p}-${c}-${k}-${d}`),
  subdomain: (p: number) => `bench-${p}`,
  email: (p: number, c: number) => `client${c}@practice${p}.example.com`,
};

const TABLES = ["practice_settings", "locations", "document_templates", "clients", "client_emails", "patients", "documents", "prescriptions", "appointments", "reminders", "patient_photos"];

const CONTENT =
  "## Summary\nBright and alert, in good body condition. Weight stable since the last visit.\n\n## Findings\n- Mild tartar on the upper premolars\n- Ears clean\n- Heart and lungs normal\n\n## Plan\nContinue current diet. Recheck in twelve months.";

export async function generateData(sql: postgres.Sql, shape: Shape, log: (message: string) => void = () => undefined): Promise<void> {
  const { practices: P, clients: C, patientsPerClient: K } = shape;
  // Index definitions are read back from the catalogue, so the rebuilt indexes are exactly the migrated ones.
  const secondary = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'public' and tablename = any(${TABLES})
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`;
  for (const index of secondary) await sql.unsafe(`drop index ${index.name}`);
  const step = async (label: string, statement: string) => {
    const started = Date.now();
    await sql.unsafe(statement);
    log(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  const practices = `generate_series(1, ${P}) p`;
  const clients = `${practices}, generate_series(1, ${C}) c`;
  const patients = `${clients}, generate_series(1, ${K}) k`;
  const pid = `${uuidSql("'practice-' || p")}`;
  const cid = `${uuidSql("'client-' || p || '-' || c")}`;
  const patid = `${uuidSql("'patient-' || p || '-' || c || '-' || k")}`;
  await step("practices", `insert into platform.practices (id, subdomain, name, kind) select ${pid}, 'bench-' || p, 'Bench Practice ' || p, 'veterinary' from ${practices}`);
  await step("settings", `insert into practice_settings (practice_id, phone, email, time_zone) select ${pid}, '555 0100', 'desk@practice' || p || '.example.com', 'America/New_York' from ${practices}`);
  await step(
    "locations",
    `insert into locations (practice_id, id, name, address, phone, time_zone, opening_hours) select ${pid}, ${uuidSql("'location-' || p")}, 'Bench Practice ' || p, p || ' Main Street', '555 0100', 'America/New_York', '[{"days":"Monday to Friday","hours":"8:00 – 18:00"}]'::jsonb from ${practices}`,
  );
  await step("clients", `insert into clients (practice_id, id, first_name, last_name, phone) select ${pid}, ${cid}, 'Client' || c, 'Family' || p, '555 ' || lpad(c::text, 4, '0') from ${clients}`);
  await step("client emails", `insert into client_emails (practice_id, client_id, email, is_primary) select ${pid}, ${cid}, 'client' || c || '@practice' || p || '.example.com', true from ${clients}`);
  await step(
    "patients",
    `insert into patients (practice_id, id, client_id, name, species, breed, date_of_birth) select ${pid}, ${patid}, ${cid}, (array['Biscuit','Mochi','Pepper','Luna','Max','Bella'])[1 + (c + k) % 6], 'Dog', 'Mixed', date '2018-01-01' + (c * 37 + k) % 2000 from ${patients}`,
  );
  await step(
    "templates",
    `insert into document_templates (practice_id, id, name, category, shared_with_portal)
     select ${pid}, ${uuidSql("'template-' || p || '-' || t")}, (array['Wellness exam','Vaccination certificate','Laboratory results','Radiology report','Discharge instructions'])[t + 1],
       (array['visit_notes','vaccination_certificates','diagnostics','imaging','discharge_instructions'])[t + 1], true
     from ${practices}, generate_series(0, 4) t`,
  );
  await step(
    "documents",
    `insert into documents (practice_id, id, patient_id, template_id, visit_date, title, category, status, portal_shared, content, author_name)
     select ${pid}, ${uuidSql("'document-' || p || '-' || c || '-' || k || '-' || d")}, ${patid}, ${uuidSql("'template-' || p || '-' || d % 5")}, current_date - (d * 45 + c) % 3000,
       (array['Wellness exam','Vaccination certificate','Laboratory results','Radiology report','Discharge instructions'])[1 + d % 5],
       (array['visit_notes','vaccination_certificates','diagnostics','imaging','discharge_instructions'])[1 + d % 5],
       case when d % 7 = 0 then 'draft' else 'completed' end, d % 9 <> 0, '${CONTENT.replaceAll("'", "''")}', 'Dr. Bench'
     from ${patients}, generate_series(1, ${shape.documents}) d`,
  );
  await step(
    "prescriptions",
    `insert into prescriptions (practice_id, patient_id, medication, strength, directions, quantity, refills_remaining, prescriber_name, prescribed_on, status)
     select ${pid}, ${patid}, (array['Carprofen','Apoquel','Amoxicillin'])[r], '75 mg', 'One tablet twice daily with food', '30 tablets', r, 'Dr. Bench', current_date - r * 60, (array['active','completed','voided'])[r]
     from ${patients}, generate_series(1, ${shape.prescriptions}) r`,
  );
  await step(
    "appointments",
    `insert into appointments (practice_id, patient_id, location_id, practitioner_name, reason, starts_at, ends_at, status)
     select ${pid}, ${patid}, ${uuidSql("'location-' || p")}, 'Dr. Bench', 'Check-up', now() + (a - 2.5) * interval '40 days', now() + (a - 2.5) * interval '40 days' + interval '30 minutes',
       case when a <= 2 then 'completed' else 'scheduled' end
     from ${patients}, generate_series(1, ${shape.appointments}) a`,
  );
  await step(
    "reminders",
    `insert into reminders (practice_id, patient_id, description, due_on) select ${pid}, ${patid}, (array['Rabies booster','Dental check','Heartworm test'])[r], current_date + (r * 50 - 60) from ${patients}, generate_series(1, ${shape.reminders}) r`,
  );
  // A photo on every other pet of every other client: the pets page joins them, and an empty table would plan differently.
  await step(
    "photos",
    `insert into patient_photos (practice_id, patient_id, content, content_type, width, height, uploaded_by) select ${pid}, ${patid}, decode(repeat('ff', 2048), 'hex'), 'image/jpeg', 640, 480, 'client' from ${patients} where c % 2 = 0 and k = 1`,
  );
  const started = Date.now();
  for (const index of secondary) await sql.unsafe(index.definition);
  log(`  indexes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await step("analyze", "analyze");
}
