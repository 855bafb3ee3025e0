import { type Kysely, sql } from "kysely";
import { formDefinitionSchema } from "../../app/forms/definition";
import { addDays, zonedToUtc } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { createPractice, type PracticePlacement } from "../../tenants/practices.server";
import type { Database, DocumentCategory } from "../schema";
import type { PracticeTransaction } from "../with-practice.server";
import { hashPassword } from "../../server/auth/passwords.server";
import type { DemoForm } from "./demo-forms";
import { DEMO_CLIENT_PASSWORD, DEMO_PRACTICES, DEMO_STAFF_PASSWORD, type DemoBooking, type DemoPatient, type DemoPractice } from "./demo-data";

type PatientContext = {
  trx: PracticeTransaction;
  practiceId: string;
  clientId: string;
  patientId: string;
  today: string;
  timeZone: string;
  locationIds: string[];
  templates: Map<string, { id: string; category: DocumentCategory; shared: boolean }>;
};

async function loadPatientHistory(demo: DemoPatient, ctx: PatientContext): Promise<void> {
  const { trx, practiceId: practice_id, patientId: patient_id, today } = ctx;
  if (demo.records?.length) {
    await trx
      .insertInto("documents")
      .values(
        demo.records.map((record) => {
          const template = ctx.templates.get(record.template);
          if (!template) throw new Error(`demo data: unknown template '${record.template}'`);
          return {
            practice_id,
            patient_id,
            template_id: template.id,
            visit_date: addDays(today, -record.daysAgo),
            title: record.title,
            category: template.category,
            status: record.status,
            portal_shared: record.portalShared ?? template.shared,
            content: record.content,
            author_name: record.author,
          };
        }),
      )
      .execute();
  }
  if (demo.prescriptions?.length) {
    await trx
      .insertInto("prescriptions")
      .values(
        demo.prescriptions.map((rx) => ({
          practice_id,
          patient_id,
          medication: rx.medication,
          strength: rx.strength ?? null,
          directions: rx.directions,
          quantity: rx.quantity ?? null,
          refills_remaining: rx.refills,
          prescriber_name: rx.prescriber,
          prescribed_on: addDays(today, -rx.daysAgo),
          status: rx.status,
        })),
      )
      .execute();
  }
  if (demo.appointments?.length) {
    await trx
      .insertInto("appointments")
      .values(
        demo.appointments.map((appointment) => {
          const startsAt = zonedToUtc(addDays(today, appointment.inDays), appointment.at, ctx.timeZone);
          const confirmed = appointment.status === "confirmed";
          return {
            practice_id,
            patient_id,
            location_id: ctx.locationIds[appointment.location ?? 0]!,
            practitioner_name: appointment.practitioner,
            reason: appointment.reason,
            starts_at: startsAt,
            ends_at: new Date(startsAt.getTime() + appointment.minutes * 60_000),
            status: appointment.status,
            confirmed_at: confirmed ? new Date(Date.now() - 86_400_000) : null,
            confirmed_by_client_id: confirmed ? ctx.clientId : null,
            booked_by: appointment.bookedBy ?? "practice",
          };
        }),
      )
      .execute();
  }
  if (demo.reminders?.length) {
    await trx
      .insertInto("reminders")
      .values(demo.reminders.map((reminder) => ({ practice_id, patient_id, description: reminder.description, due_on: addDays(today, reminder.dueInDays), status: reminder.status ?? "pending" })))
      .execute();
  }
}

/** Bookable practitioners with their weekly hours at the practice's locations, bookable types where they are offered, and online booking on. */
async function loadBooking(trx: PracticeTransaction, practice_id: string, booking: DemoBooking, locationIds: string[]): Promise<void> {
  const staff = new Map((await trx.selectFrom("staff_members").select(["id", "email"]).execute()).map((s) => [s.email, s.id]));
  const practitioners = new Map<string, string>();
  for (const p of booking.practitioners) {
    const { id } = await trx
      .insertInto("practitioners")
      .values({ practice_id, external_id: p.externalId, name: p.name, title: p.title, bookable: true, staff_member_id: p.staffEmail ? (staff.get(p.staffEmail) ?? null) : null })
      .returning("id")
      .executeTakeFirstOrThrow();
    practitioners.set(p.externalId, id);
    await trx.insertInto("practitioner_hours").values(p.hours.map(({ location, ...h }) => ({ practice_id, practitioner_id: id, location_id: locationIds[location ?? 0]!, ...h }))).execute();
  }
  for (const t of booking.types) {
    const { id } = await trx
      .insertInto("appointment_types")
      .values({ practice_id, external_id: t.externalId, name: t.name, duration_minutes: t.durationMinutes, buffer_minutes: t.bufferMinutes, species: t.species, bookable_online: true, bookable_new_clients: t.newClients ?? false })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("appointment_type_practitioners").values(t.practitioners.map((p) => ({ practice_id, appointment_type_id: id, practitioner_id: practitioners.get(p)! }))).execute();
    const offeredAt = t.locations ? t.locations.map((i) => locationIds[i]!) : locationIds;
    await trx.insertInto("appointment_type_locations").values(offeredAt.map((location_id) => ({ practice_id, appointment_type_id: id, location_id }))).execute();
  }
  // The demo's appointments name their practitioner: they take that practitioner's time, as synced ones would.
  await sql`update appointments a set practitioner_id = p.id from practitioners p where p.practice_id = a.practice_id and p.name = a.practitioner_name and a.practitioner_id is null`.execute(trx);
  // A request made in the portal holds its practitioner's time until the clinic answers: so do the demo's.
  await sql`
    insert into booked_time (practice_id, practitioner_id, during, client_id, patient_id, location_id, appointment_type_id, appointment_id)
    select a.practice_id, a.practitioner_id, tstzrange(a.starts_at, a.ends_at + make_interval(mins => t.buffer_minutes)), p.client_id, a.patient_id, a.location_id, t.id, a.id
    from appointments a
    join patients p on p.practice_id = a.practice_id and p.id = a.patient_id
    join appointment_types t on t.practice_id = a.practice_id and t.name = a.reason
    where a.status = 'requested'`.execute(trx);
  await sql`update appointments a set appointment_type_id = t.id from appointment_types t where t.practice_id = a.practice_id and t.name = a.reason and a.status = 'requested'`.execute(trx);
  await trx
    .updateTable("practice_settings")
    .set({ booking_mode: booking.mode, booking_min_notice_minutes: booking.minNoticeMinutes, booking_new_patients: booking.newPatients, booking_new_clients: booking.newClients })
    .execute();
}

/** Each form published as version 1, attached to its appointment types, and waiting in one client's portal. */
async function loadForms(trx: PracticeTransaction, practice_id: string, forms: DemoForm[]): Promise<void> {
  for (const demoForm of forms) {
    const definition = formDefinitionSchema.parse(demoForm.definition);
    const form = await trx.insertInto("forms").values({ practice_id, name: definition.title, draft: definition }).returning("id").executeTakeFirstOrThrow();
    const version = await trx.insertInto("form_versions").values({ practice_id, form_id: form.id, version: 1, definition, published_at: new Date(), published_by: null }).returning("id").executeTakeFirstOrThrow();
    const types = await trx.selectFrom("appointment_types").select("id").where("external_id", "in", demoForm.appointmentTypes).execute();
    if (types.length) await trx.insertInto("appointment_type_forms").values(types.map((t) => ({ practice_id, appointment_type_id: t.id, form_id: form.id }))).execute();
    if (!demoForm.sendTo) continue;
    const client = await trx.selectFrom("client_emails").select("client_id").where("email_key", "=", demoForm.sendTo.email).executeTakeFirstOrThrow();
    const patient = demoForm.sendTo.patient ? await trx.selectFrom("patients").select("id").where("client_id", "=", client.client_id).where("name", "=", demoForm.sendTo.patient).executeTakeFirstOrThrow() : undefined;
    await trx.insertInto("form_requests").values({ practice_id, form_version_id: version.id, client_id: client.client_id, patient_id: patient?.id ?? null, sent_via: "staff", sent_by: null }).execute();
  }
}

async function loadPractice(db: Kysely<Database>, demo: DemoPractice, staffPasswordHash: string, clientPasswordHash: string, placement?: PracticePlacement): Promise<void> {
  const created = await createPractice(db, { subdomain: demo.subdomain, name: demo.name, kind: demo.kind, timeZone: demo.timeZone }, async (trx, practice) => {
    const practice_id = practice.id;
    await trx
      .updateTable("practice_settings")
      .set({
        phone: demo.phone,
        email: demo.email,
        website: demo.website ?? null,
        shared_categories: demo.sharing.categories,
        diagnostics_share_status: demo.sharing.diagnosticsShareStatus,
      })
      .execute();
    const locations = await trx
      .insertInto("locations")
      .values(
        demo.locations.map((location, position) => ({
          practice_id,
          name: location.name,
          address: location.address,
          phone: location.phone,
          email: location.email ?? null,
          time_zone: demo.timeZone,
          opening_hours: location.openingHours,
          position,
        })),
      )
      .returning("id")
      .execute();
    const templateRows = await trx
      .insertInto("document_templates")
      .values(demo.templates.map((t) => ({ practice_id, name: t.name, category: t.category, shared_with_portal: t.sharedWithPortal })))
      .returning(["id", "name", "category", "shared_with_portal"])
      .execute();
    const templates = new Map(templateRows.map((t) => [t.name, { id: t.id, category: t.category, shared: t.shared_with_portal }]));
    const today = todayIn(demo.timeZone, new Date());
    const roles = new Map((await trx.selectFrom("staff_roles").select(["id", "name"]).execute()).map((role) => [role.name, role.id]));
    await trx
      .insertInto("staff_members")
      .values(
        demo.staff.map((member) => {
          const roleId = roles.get(member.role);
          if (!roleId) throw new Error(`demo data: unknown role '${member.role}'`);
          return { practice_id, name: member.name, email: member.email, job_title: member.jobTitle, role_id: roleId, password_hash: staffPasswordHash };
        }),
      )
      .execute();

    for (const client of demo.clients) {
      const { id: client_id } = await trx
        .insertInto("clients")
        .values({
          practice_id,
          first_name: client.firstName,
          last_name: client.lastName,
          phone: client.phone ?? null,
          status: client.status ?? "active",
          portal_blocked: client.portalBlocked ?? false,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("client_emails")
        .values(client.emails.map((email, index) => ({ practice_id, client_id, email, is_primary: index === 0 })))
        .execute();
      if (client.linkedTo) {
        const holder = await trx.selectFrom("client_accounts").select("id").where("login_key", "=", client.linkedTo.login).executeTakeFirstOrThrow();
        await trx
          .insertInto("client_account_members")
          .values({ practice_id, account_id: holder.id, client_id, relationship: client.linkedTo.relationship, permissions: client.linkedTo.permissions, ends_on: client.linkedTo.endsOn ?? null })
          .execute();
      }
      if (client.account) {
        await trx
          .insertInto("client_accounts")
          .values({ practice_id, client_id, login: client.emails[0]!, password_hash: clientPasswordHash, access_level: client.account.accessLevel, created_via: client.account.createdVia })
          .execute();
      }
      for (const contact of client.alternativeContacts ?? []) {
        const { id: contact_id } = await trx
          .insertInto("alternative_contacts")
          .values({ practice_id, client_id, name: contact.name, relationship: contact.relationship, phone: contact.phone ?? null })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("alternative_contact_emails")
          .values(contact.emails.map((email) => ({ practice_id, contact_id, email })))
          .execute();
      }
      for (const patient of client.patients) {
        const { id: patientId } = await trx
          .insertInto("patients")
          .values({
            practice_id,
            client_id,
            name: patient.name,
            species: patient.species ?? null,
            breed: patient.breed ?? null,
            sex: patient.sex ?? null,
            date_of_birth: patient.dateOfBirth ?? null,
            status: patient.status ?? "active",
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await loadPatientHistory(patient, {
          trx,
          practiceId: practice_id,
          clientId: client_id,
          patientId,
          today,
          timeZone: demo.timeZone,
          locationIds: locations.map((l) => l.id),
          templates,
        });
      }
    }
    if (demo.booking) await loadBooking(trx, practice_id, demo.booking, locations.map((l) => l.id));
    if (demo.forms) await loadForms(trx, practice_id, demo.forms);
  }, placement);
  // The registry's copy of how to reach the practice, for the pages shown when its portal cannot answer.
  await db.updateTable("platform.practices").set({ contact_phone: demo.phone, contact_email: demo.email }).where("id", "=", created.id).execute();
}

/**
 * Where a dedicated demo practice goes: a new database, already provisioned as a placement, with an owner-role
 * handle to load it through. Without one (an external development database) the demo practice is left out.
 */
export type DedicatedDemoPlacer = (subdomain: string) => Promise<{ placement: PracticePlacement; release(): Promise<void> }>;

/** Loads every demo practice that does not exist yet; returns the subdomains it created. Runs as the owner role. */
export async function seedDemo(db: Kysely<Database>, placeDedicated?: DedicatedDemoPlacer): Promise<string[]> {
  const existing = new Set((await db.selectFrom("platform.practices").select("subdomain").execute()).map((row) => row.subdomain));
  const created: string[] = [];
  // One hash for every demo account: argon2 is slow on purpose, and they share the documented password.
  const staffPasswordHash = await hashPassword(DEMO_STAFF_PASSWORD);
  const clientPasswordHash = await hashPassword(DEMO_CLIENT_PASSWORD);
  for (const demo of DEMO_PRACTICES) {
    if (existing.has(demo.subdomain)) continue;
    if (demo.deployment === "dedicated") {
      if (!placeDedicated) continue;
      const { placement, release } = await placeDedicated(demo.subdomain);
      try {
        await loadPractice(db, demo, staffPasswordHash, clientPasswordHash, placement);
      } finally {
        await release();
      }
    } else {
      await loadPractice(db, demo, staffPasswordHash, clientPasswordHash);
    }
    created.push(demo.subdomain);
  }
  return created;
}

export async function isRegistryEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("platform.practices").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}
