import type { Kysely } from "kysely";
import { createPractice } from "../../tenants/practices.server";
import type { Database } from "../schema";
import { DEMO_PRACTICES, type DemoPractice } from "./demo-data";

async function loadPractice(db: Kysely<Database>, demo: DemoPractice): Promise<void> {
  await createPractice(db, { subdomain: demo.subdomain, name: demo.name, kind: demo.kind, timeZone: demo.timeZone }, async (trx, practice) => {
    const practice_id = practice.id;
    await trx.updateTable("practice_settings").set({ phone: demo.phone, email: demo.email, website: demo.website ?? null }).execute();
    await trx
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
      .execute();
    await trx
      .insertInto("staff_members")
      .values(demo.staff.map((member) => ({ practice_id, name: member.name, email: member.email, job_title: member.jobTitle })))
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
      await trx
        .insertInto("patients")
        .values(
          client.patients.map((patient) => ({
            practice_id,
            client_id,
            name: patient.name,
            species: patient.species ?? null,
            breed: patient.breed ?? null,
            sex: patient.sex ?? null,
            date_of_birth: patient.dateOfBirth ?? null,
            status: patient.status ?? "active",
          })),
        )
        .execute();
    }
  });
}

/** Loads every demo practice that does not exist yet; returns the subdomains it created. Runs as the owner role. */
export async function seedDemo(db: Kysely<Database>): Promise<string[]> {
  const existing = new Set((await db.selectFrom("platform.practices").select("subdomain").execute()).map((row) => row.subdomain));
  const created: string[] = [];
  for (const demo of DEMO_PRACTICES) {
    if (existing.has(demo.subdomain)) continue;
    await loadPractice(db, demo);
    created.push(demo.subdomain);
  }
  return created;
}

export async function isRegistryEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("platform.practices").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}
