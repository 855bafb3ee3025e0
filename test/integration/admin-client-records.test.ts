import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestServer } from "../support/http";
import { staffCookieFor, sessionCookieFor } from "../support/sessions";

/** Staff keeping clients and their patients by hand (#15): the same schemas and write path as the integration API. */

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
let owner: string;
let riversideOwner: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  riversideOwner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
});

afterAll(async () => {
  await server.close();
});

const get = (cookie: string, path: string, host = HAPPY) => server.request(host, path, { headers: { cookie } });

/** The client form as the page posts it: every field present, contact rows positional (blank ones included). */
function clientForm(change: Partial<Record<string, string>> = {}, contacts: { name: string; relationship?: string; phone?: string; emails?: string }[] = []): [string, string][] {
  const fields: [string, string][] = Object.entries({
    first_name: "Nora",
    last_name: "Quill",
    emails: "nora.quill@example.com\nnq.work@example.com",
    phones: "+1 555 0142",
    line1: "12 Harbour Road",
    line2: "",
    city: "Springfield",
    region: "",
    postal_code: "",
    country: "US",
    status: "active",
    ...change,
  }).map(([k, v]) => [k, v ?? ""]);
  for (const c of [...contacts, { name: "" }, { name: "" }]) {
    fields.push(["contactName", c.name], ["contactRelationship", c.relationship ?? ""], ["contactPhone", c.phone ?? ""], ["contactEmails", c.emails ?? ""]);
  }
  return fields;
}

const petForm = (change: Partial<Record<string, string>> = {}): [string, string][] =>
  Object.entries({ name: "Pepper", species: "Cat", breed: "Tabby", sex: "Female", date_of_birth: "2021-04-02", status: "active", ...change }).map(([k, v]) => [k, v ?? ""]);

async function counts(practice: Practice) {
  return withPractice(db.owner.db, practice, async (trx) => ({
    clients: (await trx.selectFrom("clients").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n,
    patients: (await trx.selectFrom("patients").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n,
    emails: (await trx.selectFrom("client_emails").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n,
    audit: (await trx.selectFrom("audit_events").select((eb) => eb.fn.countAll<string>().as("n")).where("action", "in", ["client.created", "client.updated", "patient.created", "patient.updated"]).executeTakeFirstOrThrow()).n,
    updated: (await trx.selectFrom("clients").select((eb) => eb.fn.max("updated_at").as("at")).executeTakeFirstOrThrow()).at,
  }));
}

async function signInLinksSentTo(email: string): Promise<number> {
  await postForm(server, HAPPY, "/?index", [["email", email]]);
  await server.settled();
  const rows = await db.owner.db.selectFrom("mail.outbox").select("id").where("kind", "=", "client_sign_in_link").where("recipient", "=", email).execute();
  return rows.length;
}

describe("staff keep clients and patients by hand", () => {
  let clientId = "";
  let petId = "";

  it("creates a client with two emails and an alternative contact; the new email can request a sign-in link, the contact's cannot", async () => {
    expect((await get(owner, "/admin/clients")).body).toContain('href="/admin/clients/new"');
    const page = await get(owner, "/admin/clients/new");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="field-first_name">First name</label>');

    const res = await postForm(server, HAPPY, "/admin/clients/new", clientForm({}, [{ name: "Ada Quill", relationship: "Sister", phone: "+1 555 0199", emails: "ada.quill@example.com" }]), owner);
    expect(res.status).toBe(302);
    clientId = /^\/admin\/clients\/([0-9a-f-]{36})$/.exec(res.headers.location ?? "")![1]!;

    const stored = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      client: await trx.selectFrom("clients").select(["external_id", "first_name", "phone", "address"]).where("id", "=", clientId).executeTakeFirstOrThrow(),
      emails: await trx.selectFrom("client_emails").select(["email", "is_primary"]).where("client_id", "=", clientId).orderBy("email").execute(),
      contacts: await trx.selectFrom("alternative_contacts").select(["name", "relationship"]).where("client_id", "=", clientId).execute(),
      audit: await trx.selectFrom("audit_events").select(["action", "actor_type", "actor_id", "details"]).where("subject_id", "=", clientId).where("action", "=", "client.created").execute(),
      owner: await trx.selectFrom("staff_members").select("id").where("email", "=", "owner@happypaws.example.com").executeTakeFirstOrThrow(),
    }));
    // Made by hand: no practice-system id, so the API neither lists nor addresses it.
    expect(stored.client).toMatchObject({ external_id: null, first_name: "Nora", phone: "+1 555 0142", address: { line1: "12 Harbour Road", city: "Springfield", country: "US" } });
    expect(stored.emails).toEqual([
      { email: "nora.quill@example.com", is_primary: true },
      { email: "nq.work@example.com", is_primary: false },
    ]);
    expect(stored.contacts).toEqual([{ name: "Ada Quill", relationship: "Sister" }]);
    expect(stored.audit).toEqual([{ action: "client.created", actor_type: "staff", actor_id: stored.owner.id, details: expect.objectContaining({ via: "admin", externalId: null }) }]);

    const shown = (await get(owner, `/admin/clients/${clientId}`)).body;
    expect(shown).toContain("nq.work@example.com");
    expect(shown).toContain("Ada Quill");

    expect(await signInLinksSentTo("nq.work@example.com")).toBe(1);
    expect(await signInLinksSentTo("ada.quill@example.com")).toBe(0);
  });

  it("edits the client: the form shows the record, and saving replaces it (an unchanged save writes nothing)", async () => {
    const form = (await get(owner, `/admin/clients/${clientId}/edit`)).body;
    expect(form).toContain('value="Nora"');
    expect(form).toContain("nq.work@example.com");
    expect(form).toContain('value="Ada Quill"');

    const res = await postForm(server, HAPPY, `/admin/clients/${clientId}/edit`, clientForm({ first_name: "Eleanor", emails: "nora.quill@example.com" }, [{ name: "Ada Quill", relationship: "Sister", phone: "+1 555 0199", emails: "ada.quill@example.com" }]), owner);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/admin/clients/${clientId}`);
    const after = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      name: (await trx.selectFrom("clients").select("first_name").where("id", "=", clientId).executeTakeFirstOrThrow()).first_name,
      emails: (await trx.selectFrom("client_emails").select("email").where("client_id", "=", clientId).execute()).map((e) => e.email),
      updates: await trx.selectFrom("audit_events").select("details").where("subject_id", "=", clientId).where("action", "=", "client.updated").execute(),
    }));
    expect(after).toMatchObject({ name: "Eleanor", emails: ["nora.quill@example.com"] });
    expect(after.updates.map((u) => (u.details as { changed: string[] }).changed)).toEqual([["first_name", "emails"]]);
    // The removed address may no longer ask for a link.
    expect(await signInLinksSentTo("nq.work@example.com")).toBe(1);

    const before = await counts(happyPaws);
    const again = await postForm(server, HAPPY, `/admin/clients/${clientId}/edit`, clientForm({ first_name: "Eleanor", emails: "nora.quill@example.com" }, [{ name: "Ada Quill", relationship: "Sister", phone: "+1 555 0199", emails: "ada.quill@example.com" }]), owner);
    expect(again.status).toBe(302);
    expect(await counts(happyPaws)).toEqual(before);
  });

  it("adds a pet that appears in the client's portal; marked deceased, it disappears from it", async () => {
    const clientPage = (await get(owner, `/admin/clients/${clientId}`)).body;
    expect(clientPage).toContain(`href="/admin/clients/${clientId}/patients/new"`);
    expect(clientPage).toContain(">Add a pet<");
    const form = await get(owner, `/admin/clients/${clientId}/patients/new`);
    expect(form.body).toContain("Species");

    const res = await postForm(server, HAPPY, `/admin/clients/${clientId}/patients/new`, petForm(), owner);
    expect(res.status).toBe(302);
    petId = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const pet = await trx.selectFrom("patients").select(["id", "external_id", "species", "date_of_birth"]).where("client_id", "=", clientId).executeTakeFirstOrThrow();
      expect(pet).toMatchObject({ external_id: null, species: "Cat", date_of_birth: "2021-04-02" });
      return pet.id;
    });
    const portal = await sessionCookieFor(db, happyPaws, "nora.quill@example.com");
    expect((await get(portal, "/home")).body).toContain("Pepper");

    expect((await get(owner, `/admin/patients/${petId}/edit`)).body).toContain('value="Pepper"');
    const deceased = await postForm(server, HAPPY, `/admin/patients/${petId}/edit`, petForm({ status: "deceased" }), owner);
    expect(deceased.status).toBe(302);
    expect(deceased.headers.location).toBe(`/admin/clients/${clientId}`);
    expect((await get(portal, "/home")).body).not.toContain("Pepper");
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type", "details"]).where("subject_id", "=", petId).orderBy("seq").execute());
    expect(audit.map((a) => [a.action, a.actor_type, (a.details as { changed?: string[] }).changed])).toEqual([
      ["patient.created", "staff", undefined],
      ["patient.updated", "staff", ["status"]],
    ]);
  });

  it("refuses bad input with 400 and the messages next to the fields, writing nothing", async () => {
    const other = "maria.lopez@example.com"; // a demo client's own address
    // A NUL never reaches the form: the request layer refuses it for every form (ADR 013), also with a 400.
    const cases: { path: string; fields: [string, string][]; message: string; host?: string; cookie?: string; edge?: true }[] = [
      { path: "/admin/clients/new", fields: clientForm({ first_name: "   " }), message: "First name must not be empty." },
      { path: "/admin/clients/new", fields: clientForm({ emails: "nora.new@example.com\nnot-an-email" }), message: "line 2 must be an email address" },
      { path: "/admin/clients/new", fields: clientForm({ emails: `new.person@example.com\n${other.toUpperCase()}` }), message: "is already an email of another client (Maria Lopez)" },
      { path: `/admin/clients/${clientId}/edit`, fields: clientForm({ emails: other }), message: "is already an email of another client" },
      { path: "/admin/clients/new", fields: clientForm({ last_name: "Qu\u0000ill" }), message: "contains a character that is not allowed", edge: true },
      { path: "/admin/clients/new", fields: clientForm({ last_name: "Qu\u0007ill" }), message: "Last name must not contain control characters." },
      { path: "/admin/clients/new", fields: clientForm({ emails: "a@example.com\nA@example.com" }), message: "line 2 is listed twice" },
      { path: "/admin/clients/new", fields: clientForm({}, [{ name: "", phone: "+1 555 0100" }]), message: "Name must not be empty." },
      { path: "/admin/clients/new", fields: clientForm({ country: "USA" }), message: "must be an ISO 3166-1 alpha-2 code" },
      { path: "/admin/clients/new", fields: clientForm({ status: "deleted" }), message: "Record: Invalid option" },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ name: "" }), message: "Name must not be empty." },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ species: "" }), message: "Species is required at a veterinary practice." },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ date_of_birth: "2999-01-01" }), message: "Date of birth must not be in the future." },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ date_of_birth: "0000-01-01" }), message: "Date of birth must be a real date from 1850 on." },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ name: "Pep\u0000per" }), message: "contains a character that is not allowed", edge: true },
      { path: `/admin/clients/${clientId}/patients/new`, fields: petForm({ breed: "Tab\u001bby" }), message: "Breed must not contain control characters." },
      { path: `/admin/patients/${petId}/edit`, fields: petForm({ status: "gone" }), message: "Status: Invalid option" },
    ];
    const riversideClient = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("clients").select("id").executeTakeFirstOrThrow()).id);
    cases.push({ path: `/admin/clients/${riversideClient}/patients/new`, fields: petForm({ species: "Dog", breed: "" }), message: "Species must be null at a human-health practice.", host: RIVERSIDE, cookie: riversideOwner });

    const before = { happy: await counts(happyPaws), riverside: await counts(riverside) };
    for (const c of cases) {
      const res = await postForm(server, c.host ?? HAPPY, c.path, c.fields, c.cookie ?? owner);
      expect(res.status, `${c.path} ${c.message}`).toBe(400);
      expect(res.body, c.message).toContain(c.message.replace(/'/g, "&#x27;"));
      if (!c.edge) expect(res.body).toContain("Nothing was saved");
    }
    expect({ happy: await counts(happyPaws), riverside: await counts(riverside) }).toEqual(before);
  });

  it("refuses staff without chart access (403), and answers 404 for another practice's client or patient", async () => {
    const frontDeskOnlyAccess = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const role = await trx.insertInto("staff_roles").values({ practice_id: happyPaws.id, name: "Portal access only", permissions: ["manage_client_portal_access"] }).returning("id").executeTakeFirstOrThrow();
      await trx.insertInto("staff_members").values({ practice_id: happyPaws.id, name: "Pat Access", email: "pat.access@happypaws.example.com", role_id: role.id }).execute();
    }).then(() => staffCookieFor(db, happyPaws, "pat.access@happypaws.example.com"));
    for (const path of ["/admin/clients/new", `/admin/clients/${clientId}/edit`, `/admin/clients/${clientId}/patients/new`, `/admin/patients/${petId}/edit`]) {
      expect((await get(frontDeskOnlyAccess, path)).status, path).toBe(403);
      expect((await postForm(server, HAPPY, path, clientForm(), frontDeskOnlyAccess)).status, path).toBe(403);
    }
    // The client page they may open offers neither editing nor adding.
    const page = (await get(frontDeskOnlyAccess, `/admin/clients/${clientId}`)).body;
    expect(page).not.toContain(`/admin/clients/${clientId}/edit`);
    expect((await get(frontDeskOnlyAccess, "/admin/clients")).body).not.toContain("/admin/clients/new");

    const theirs = await withPractice(db.owner.db, riverside, async (trx) => ({
      client: (await trx.selectFrom("clients").select("id").executeTakeFirstOrThrow()).id,
      patient: (await trx.selectFrom("patients").select("id").executeTakeFirstOrThrow()).id,
    }));
    const before = await counts(riverside);
    for (const path of [`/admin/clients/${theirs.client}/edit`, `/admin/clients/${theirs.client}/patients/new`, `/admin/patients/${theirs.patient}/edit`, "/admin/patients/not-an-id/edit"]) {
      expect((await get(owner, path)).status, path).toBe(404);
      expect((await postForm(server, HAPPY, path, path.includes("patients") ? petForm() : clientForm({ emails: "stray@example.com" }), owner)).status, path).toBe(404);
    }
    expect(await counts(riverside)).toEqual(before);
  });

  it("speaks of patients, with date of birth and sex and no species, at a human-health practice", async () => {
    const clientRes = await postForm(server, RIVERSIDE, "/admin/clients/new", clientForm({ first_name: "Ivo", last_name: "Brandt", emails: "ivo.brandt@example.com" }), riversideOwner);
    expect(clientRes.status).toBe(302);
    const id = clientRes.headers.location!.split("/").at(-1)!;
    const form = (await get(riversideOwner, `/admin/clients/${id}/patients/new`, RIVERSIDE)).body;
    expect(form).toContain("Add a patient");
    expect(form).toContain("Date of birth");
    expect(form).not.toContain("Species");
    const res = await postForm(server, RIVERSIDE, `/admin/clients/${id}/patients/new`, [["name", "Ivo Brandt"], ["sex", "Male"], ["date_of_birth", "1988-11-30"], ["status", "active"]], riversideOwner);
    expect(res.status).toBe(302);
    const patient = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("patients").select(["species", "sex", "date_of_birth"]).where("client_id", "=", id).executeTakeFirstOrThrow());
    expect(patient).toEqual({ species: null, sex: "Male", date_of_birth: "1988-11-30" });
  });
});
