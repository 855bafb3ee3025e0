import { beforeAll, describe, expect, it } from "vitest";
import { DOCUMENT_CATEGORIES, type DocumentCategory, type DocumentStatus, type PatientStatus, type ShareThreshold } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { sql } from "kysely";
import { appointmentSection, isAppointmentVisibleTo, isMemberLinkActive, isRecordVisibleTo, type SharingSettings } from "../../app/visibility/portal-rules";
import { appointmentAccessSql, appointmentListedSql, memberLinkActiveSql, visibleDocuments } from "../../app/visibility/portal-queries.server";
import type { AccessLevel, AppointmentStatus } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";

// A small deterministic PRNG: a failing case can be replayed from the printed seed.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: DocumentStatus[] = ["draft", "to_review", "to_share", "completed", "voided"];
const THRESHOLDS: ShareThreshold[] = ["to_review", "to_share", "completed"];

let db: TestDatabase;
let fixture: PracticeFixture;
type Generated = { id: string; patientId: string; category: DocumentCategory; status: DocumentStatus; portalShared: boolean };
const patients: { id: string; clientId: string; status: PatientStatus }[] = [];
const documents: Generated[] = [];
const SEED = Number(process.env.VISIBILITY_SEED ?? 20261123);

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await createPracticeFixture(db.owner.db, "rules-vet");
  const random = prng(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  await withPractice(db.owner.db, fixture.practice, async (trx) => {
    const other = await trx.insertInto("clients").values({ practice_id: fixture.practice.id, first_name: "Other", last_name: "Client" }).returning("id").executeTakeFirstOrThrow();
    patients.push({ id: fixture.patientId, clientId: fixture.clientId, status: "active" });
    for (const [clientId, status] of [
      [fixture.clientId, "active"],
      [fixture.clientId, "inactive"],
      [fixture.clientId, "deceased"],
      [other.id, "active"],
    ] as const) {
      const row = await trx.insertInto("patients").values({ practice_id: fixture.practice.id, client_id: clientId, name: `${status} patient`, status }).returning("id").executeTakeFirstOrThrow();
      patients.push({ id: row.id, clientId, status });
    }
    const rows = Array.from({ length: 600 }, () => ({
      practice_id: fixture.practice.id,
      patient_id: pick(patients).id,
      visit_date: `20${10 + Math.floor(random() * 16)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      title: "Generated",
      category: pick(DOCUMENT_CATEGORIES),
      status: pick(STATUSES),
      portal_shared: random() < 0.7,
    }));
    const inserted = await trx.insertInto("documents").values(rows).returning(["id", "patient_id", "category", "status", "portal_shared"]).execute();
    documents.push(...inserted.map((d) => ({ id: d.id, patientId: d.patient_id, category: d.category, status: d.status, portalShared: d.portal_shared })));
  });
});

describe("the SQL record rule and the pure one (the staff page's) agree", () => {
  it(`on 600 random documents under 40 random sharing settings (seed ${SEED})`, async () => {
    const random = prng(SEED + 1);
    let visibleSomewhere = 0;
    for (let round = 0; round < 40; round++) {
      const settings: SharingSettings = {
        portalEnabled: random() < 0.85,
        sharedCategories: DOCUMENT_CATEGORIES.filter(() => random() < 0.6),
        diagnosticsShareStatus: THRESHOLDS[Math.floor(random() * THRESHOLDS.length)]!,
      };
      await withPractice(db.owner.db, fixture.practice, (trx) =>
        trx
          .updateTable("practice_settings")
          .set({ portal_enabled: settings.portalEnabled, shared_categories: [...settings.sharedCategories], diagnostics_share_status: settings.diagnosticsShareStatus })
          .execute(),
      );
      const access: AccessLevel = random() < 0.3 ? "limited" : "full";
      const fromSql = await withPractice(db.app.db, fixture.practice, (trx) => visibleDocuments(trx, { clientId: fixture.clientId, access }).select("d.id").execute());
      const patientById = new Map(patients.map((p) => [p.id, p]));
      const expected = documents
        .filter((d) => {
          const patient = patientById.get(d.patientId)!;
          // The staff client page's "Client sees it" is this same function.
          return patient.clientId === fixture.clientId && isRecordVisibleTo(access, { ...d, patientStatus: patient.status }, settings);
        })
        .map((d) => d.id)
        .sort();
      expect(fromSql.map((r) => r.id).sort(), JSON.stringify({ settings, access })).toEqual(expected);
      visibleSomewhere += expected.length;
    }
    // The property is not vacuous: across rounds, plenty was visible (and plenty was not).
    expect(visibleSomewhere).toBeGreaterThan(100);
  });
});

describe("the SQL appointment access rule and the pure one agree", () => {
  it(`for limited and full accounts on 200 random appointments (seed ${SEED})`, async () => {
    const random = prng(SEED + 2);
    const generated = await withPractice(db.owner.db, fixture.practice, async (trx) => {
      const location = await trx.insertInto("locations").values({ practice_id: fixture.practice.id, name: "Main", address: "1 Main Street", time_zone: "UTC" }).returning("id").executeTakeFirstOrThrow();
      const rows = Array.from({ length: 200 }, (_, i) => ({
        practice_id: fixture.practice.id,
        patient_id: fixture.patientId,
        location_id: location.id,
        practitioner_name: "Dr. Rule",
        reason: `Visit ${i}`,
        starts_at: new Date(Date.UTC(2026, 0, 1 + i)),
        ends_at: new Date(Date.UTC(2026, 0, 1 + i, 1)),
        booked_by: random() < 0.5 ? ("client" as const) : ("practice" as const),
      }));
      return trx.insertInto("appointments").values(rows).returning(["id", "booked_by"]).execute();
    });
    for (const access of ["limited", "full"] as const) {
      const fromSql = await withPractice(db.app.db, fixture.practice, (trx) =>
        trx.selectFrom("appointments as a").select("a.id").where(appointmentAccessSql(access)).where(sql<boolean>`a.reason like 'Visit %'`).execute(),
      );
      const expected = generated.filter((a) => isAppointmentVisibleTo(access, { bookedBy: a.booked_by })).map((a) => a.id);
      expect(fromSql.map((r) => r.id).sort(), access).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(access === "limited" ? 50 : 150);
    }
  });
});

describe("the SQL appointment listing rule and the pure one agree", () => {
  it(`on 300 appointments of every status around now, requests included (seed ${SEED})`, async () => {
    const random = prng(SEED + 4);
    const statuses: AppointmentStatus[] = ["requested", "scheduled", "confirmed", "declined", "cancelled", "completed", "no_show"];
    const now = new Date(Date.UTC(2026, 5, 15, 12));
    const generated = await withPractice(db.owner.db, fixture.practice, async (trx) => {
      const location = await trx.insertInto("locations").values({ practice_id: fixture.practice.id, name: "Listing", address: "2 Main Street", time_zone: "UTC" }).returning("id").executeTakeFirstOrThrow();
      const rows = Array.from({ length: 300 }, (_, i) => {
        // Minutes either side of now, with now itself among them: the boundary is where the twins could differ.
        const startsAt = new Date(now.getTime() + (Math.floor(random() * 11) - 5) * 60_000);
        return { practice_id: fixture.practice.id, patient_id: fixture.patientId, location_id: location.id, practitioner_name: "Dr. Rule", reason: `Listed ${i}`, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 1_800_000), status: statuses[i % statuses.length]! };
      });
      return trx.insertInto("appointments").values(rows).returning(["id", "status", "starts_at"]).execute();
    });
    const fromSql = await withPractice(db.app.db, fixture.practice, (trx) => trx.selectFrom("appointments as a").select("a.id").where(appointmentListedSql(now)).where(sql<boolean>`a.reason like 'Listed %'`).execute());
    const expected = generated.filter((a) => appointmentSection({ status: a.status, startsAt: a.starts_at }, now) !== "hidden").map((a) => a.id);
    expect(fromSql.map((r) => r.id).sort()).toEqual(expected.sort());
    expect(generated.filter((a) => a.status === "requested" && expected.includes(a.id)).length).toBeGreaterThan(10);
  });
});

describe("the SQL family-link rule and the pure one agree", () => {
  it(`on 60 links with end dates around today (seed ${SEED})`, async () => {
    const random = prng(SEED + 3);
    const today = "2026-11-23";
    const links = await withPractice(db.owner.db, fixture.practice, async (trx) => {
      const account = await trx.insertInto("client_accounts").values({ practice_id: fixture.practice.id, client_id: fixture.clientId, login: "rules@example.com", access_level: "full", created_via: "manual" }).returning("id").executeTakeFirstOrThrow();
      const members = await trx
        .insertInto("clients")
        .values(Array.from({ length: 60 }, (_, i) => ({ practice_id: fixture.practice.id, first_name: `Member${i}`, last_name: "Rules" })))
        .returning("id")
        .execute();
      const rows = members.map((member) => {
        const offset = Math.floor(random() * 7) - 3;
        const endsOn = random() < 0.2 ? null : new Date(Date.UTC(2026, 10, 23 + offset)).toISOString().slice(0, 10);
        return { practice_id: fixture.practice.id, account_id: account.id, client_id: member.id, relationship: "Family", permissions: ["view_records" as const], ends_on: endsOn };
      });
      await trx.insertInto("client_account_members").values(rows).execute();
      return rows;
    });
    const fromSql = await withPractice(db.app.db, fixture.practice, (trx) => trx.selectFrom("client_account_members as m").select("m.client_id").where(memberLinkActiveSql(today)).execute());
    const expected = links.filter((link) => isMemberLinkActive({ endsOn: link.ends_on }, today)).map((link) => link.client_id);
    expect(fromSql.map((r) => r.client_id).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(60);
  });
});
