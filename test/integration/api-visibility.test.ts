import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPrescriptionVisible, isRecordVisibleTo, type SharingSettings } from "../../app/visibility/portal-rules";
import type { DocumentCategory, DocumentStatus, PatientStatus, PrescriptionStatus } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { type ApiCallFn, apiClient, apiKeyFor, ContractChecker } from "../support/api-client";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { sessionCookieFor } from "../support/sessions";

/**
 * The portal's rules apply to what the practice system sends exactly as to seeded rows: records written through
 * the API are shown or hidden by the same sharing, status and deceased rules, and the page agrees with the pure
 * rule (portal-rules.ts) for every one of them.
 */

const HOST = "api-visible.localhost:3000";
const EMAIL = "owner@api-visible.example.com";

let db: TestDatabase;
let server: TestServer;
let fixture: PracticeFixture;
let api: ApiCallFn;
let cookie: string;

const SETTINGS: SharingSettings = {
  portalEnabled: true,
  sharedCategories: ["visit_notes", "diagnostics", "imaging", "vaccination_certificates"],
  diagnosticsShareStatus: "to_share",
};

type DocumentCase = { id: string; patient: "P-ALIVE" | "P-DECEASED"; category: DocumentCategory; status: DocumentStatus; shared: boolean; voidLater?: boolean };

const DOCUMENTS: DocumentCase[] = [
  { id: "D-SHARED", patient: "P-ALIVE", category: "visit_notes", status: "completed", shared: true },
  { id: "D-NOT-SHARED", patient: "P-ALIVE", category: "visit_notes", status: "completed", shared: false },
  { id: "D-DRAFT", patient: "P-ALIVE", category: "visit_notes", status: "draft", shared: true },
  { id: "D-LAB-BELOW", patient: "P-ALIVE", category: "diagnostics", status: "to_review", shared: true },
  { id: "D-LAB-AT", patient: "P-ALIVE", category: "diagnostics", status: "to_share", shared: true },
  { id: "D-REFERRAL", patient: "P-ALIVE", category: "referral_letters", status: "completed", shared: true },
  { id: "D-WITHDRAWN", patient: "P-ALIVE", category: "visit_notes", status: "completed", shared: true, voidLater: true },
  { id: "D-DECEASED", patient: "P-DECEASED", category: "visit_notes", status: "completed", shared: true },
];

type PrescriptionCase = { id: string; status: PrescriptionStatus; voidLater?: boolean };

const PRESCRIPTIONS: PrescriptionCase[] = [
  { id: "RX-ACTIVE", status: "active" },
  { id: "RX-COMPLETED", status: "completed" },
  { id: "RX-DRAFT", status: "draft" },
  { id: "RX-VOIDED", status: "active", voidLater: true },
];

const PATIENT_STATUS: Record<DocumentCase["patient"], PatientStatus> = { "P-ALIVE": "active", "P-DECEASED": "deceased" };

async function put(path: string, body: Record<string, unknown>): Promise<void> {
  const res = await api("PUT", path, body);
  expect([200, 201], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
}

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await createPracticeFixture(db.owner.db, "api-visible");
  await withPractice(db.owner.db, fixture.practice, (trx) =>
    trx
      .updateTable("practice_settings")
      .set({ portal_enabled: SETTINGS.portalEnabled, shared_categories: [...SETTINGS.sharedCategories], diagnostics_share_status: SETTINGS.diagnosticsShareStatus })
      .execute(),
  );
  server = await startTestServer(db);
  api = apiClient(server, HOST, await apiKeyFor(db, fixture.practice), await ContractChecker.load(server, HOST));

  await put("/clients/C-1", { first_name: "Grace", last_name: "Hopper", emails: [EMAIL] });
  await put("/patients/P-ALIVE", { client_external_id: "C-1", name: "Biscuit", species: "Dog" });
  await put("/patients/P-DECEASED", { client_external_id: "C-1", name: "Old Tom", species: "Cat", status: "deceased" });
  await put("/practitioners/DR-1", { name: "Dr. Visible" });
  await put("/locations/L-1", { name: "Main clinic", address: "1 Main Street", time_zone: "UTC" });
  for (const d of DOCUMENTS) {
    const body = { patient_external_id: d.patient, title: `Title ${d.id}`, category: d.category, status: d.status, portal_shared: d.shared, visit_date: "2026-11-01", author_external_id: "DR-1", content: `Body of ${d.id}` };
    await put(`/documents/${d.id}`, body);
    if (d.voidLater) await put(`/documents/${d.id}`, { ...body, status: "voided" });
  }
  for (const rx of PRESCRIPTIONS) {
    const body = { patient_external_id: "P-ALIVE", prescriber_external_id: "DR-1", medication: `Drug ${rx.id}`, directions: "Once daily.", prescribed_on: "2026-11-01", status: rx.status };
    await put(`/prescriptions/${rx.id}`, body);
    if (rx.voidLater) await put(`/prescriptions/${rx.id}`, { ...body, status: "voided" });
  }
  const appointment = { patient_external_id: "P-ALIVE", practitioner_external_id: "DR-1", location_external_id: "L-1", starts_at: "2030-03-01T09:00:00Z", ends_at: "2030-03-01T09:30:00Z" };
  await put("/appointments/AP-UPCOMING", { ...appointment, reason: "Reason AP-UPCOMING" });
  await put("/appointments/AP-CANCELLED", { ...appointment, reason: "Reason AP-CANCELLED" });
  await put("/appointments/AP-CANCELLED", { ...appointment, reason: "Reason AP-CANCELLED", status: "cancelled" });
  await put("/appointments/AP-DECEASED", { ...appointment, patient_external_id: "P-DECEASED", reason: "Reason AP-DECEASED" });
  await put("/reminders/REM-PENDING", { patient_external_id: "P-ALIVE", description: "Reminder REM-PENDING", due_on: "2030-01-01" });
  await put("/reminders/REM-CANCELLED", { patient_external_id: "P-ALIVE", description: "Reminder REM-CANCELLED", due_on: "2030-01-01", status: "cancelled" });

  cookie = await sessionCookieFor(db, fixture.practice, EMAIL);
});

afterAll(async () => {
  await server?.close();
});

async function page(path: string): Promise<string> {
  const res = await server.request(HOST, path, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return res.body;
}

describe("API-written rows in the portal", () => {
  it("records: shared, completed (or at the practice's lab status) and of a living patient only; the page agrees with the pure rule", async () => {
    const body = await page("/records");
    const shown = DOCUMENTS.filter((d) => body.includes(`Title ${d.id}`)).map((d) => d.id);
    expect(shown.sort()).toEqual(["D-LAB-AT", "D-SHARED"]);
    for (const d of DOCUMENTS) {
      const finalStatus: DocumentStatus = d.voidLater ? "voided" : d.status;
      const expected = isRecordVisibleTo("full", { patientStatus: PATIENT_STATUS[d.patient], category: d.category, status: finalStatus, portalShared: d.shared }, SETTINGS);
      expect(shown.includes(d.id), d.id).toBe(expected);
    }
  });

  it("prescriptions: active and completed ones; never a draft or a voided one", async () => {
    const body = await page("/prescriptions");
    const shown = PRESCRIPTIONS.filter((rx) => body.includes(`Drug ${rx.id}`)).map((rx) => rx.id);
    expect(shown.sort()).toEqual(["RX-ACTIVE", "RX-COMPLETED"]);
    for (const rx of PRESCRIPTIONS) expect(shown.includes(rx.id), rx.id).toBe(isPrescriptionVisible({ status: rx.voidLater ? "voided" : rx.status }));
  });

  it("appointments: the one to come; never a cancelled one or one of a deceased patient", async () => {
    const body = await page("/appointments");
    expect(body).toContain("Reason AP-UPCOMING");
    expect(body).not.toContain("Reason AP-CANCELLED");
    expect(body).not.toContain("Reason AP-DECEASED");
  });

  it("reminders: pending ones only", async () => {
    const body = await page("/reminders");
    expect(body).toContain("Reminder REM-PENDING");
    expect(body).not.toContain("Reminder REM-CANCELLED");
  });

  it("a withdrawn document cannot be opened by its Portico id either", async () => {
    const id = await withPractice(db.owner.db, fixture.practice, async (trx) => (await trx.selectFrom("documents").select("id").where("external_id", "=", "D-WITHDRAWN").executeTakeFirstOrThrow()).id);
    const res = await server.request(HOST, `/records/${id}`, { headers: { cookie } });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain("Body of D-WITHDRAWN");
  });
});
