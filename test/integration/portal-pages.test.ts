import { buffer } from "node:stream/consumers";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
let maria: string;
let james: string;
let alex: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  james = await sessionCookieFor(db, happyPaws, "james.okafor@example.com");
  alex = await sessionCookieFor(db, riverside, "alex.morgan@example.com");
});

afterAll(async () => {
  await server.close();
});

const get = (cookie: string, path: string, host = HAPPY) => server.request(host, path, { headers: { cookie } });

function post(cookie: string, path: string, body: Buffer | string, contentType: string, host = HAPPY): Promise<TestResponse> {
  return server.request(host, path, {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": contentType, "content-length": String(Buffer.byteLength(body)) },
    body: body as string,
  });
}

/** Ids of demo rows, looked up by a distinctive column, as the owner role. */
async function idOf(practice: Practice, table: "documents" | "appointments" | "patients", column: "title" | "reason" | "name", value: string): Promise<string> {
  return withPractice(db.owner.db, practice, async (trx) => {
    const row = await trx
      .selectFrom(table)
      .select("id")
      .where(column as never, "=", value as never)
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

describe("pets", () => {
  it("lists the client's active pets with what comes next, and nothing else", async () => {
    const res = await get(maria, "/home");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Your pets");
    expect(res.body).toContain("Biscuit");
    expect(res.body).toContain("Golden Retriever");
    expect(res.body).toContain("Dental assessment");
    expect(res.body).toContain("1 overdue");
    expect(res.body).toContain("Mochi");
    for (const hidden of ["Pepper", "Shadow", "Luna"]) expect(res.body).not.toContain(hidden);
  });

  it("speaks of family, without species, at a human-health practice", async () => {
    const res = await get(alex, "/home", RIVERSIDE);
    expect(res.body).toContain("Your family");
    expect(res.body).toContain("Alex Morgan");
    expect(res.body).toContain("Follow-up treatment");
    expect(res.body).not.toContain("Happy Paws");
  });
});

describe("medical records", () => {
  it("shows exactly what the sharing rules allow, grouped by pet and year", async () => {
    const res = await get(maria, "/records");
    expect(res.status).toBe(200);
    for (const shown of ["Annual wellness exam", "Rabies vaccination certificate", "Complete blood count and chemistry", "Hip radiographs", "Wellness exam"]) {
      expect(res.body, shown).toContain(shown);
    }
    for (const hidden of ["Urinalysis", "Staff note", "Discharge after sedation", "Consent for sedation", "Draft: dental", "Entered in error", "Senior wellness exam"]) {
      expect(res.body, hidden).not.toContain(hidden);
    }
    const years = [...res.body.matchAll(/<h3>(\d{4})<\/h3>/g)].map((m) => m[1]);
    expect(years.length).toBeGreaterThanOrEqual(2);
  });

  it("opens a visible record as a page and as a PDF", async () => {
    const id = await idOf(happyPaws, "documents", "title", "Hip radiographs");
    const page = await get(maria, `/records/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Mild remodelling of the left hip joint");
    expect(page.body).toContain("Download PDF");
    const pdf = await get(maria, `/records/${id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.headers["content-disposition"]).toMatch(/^attachment; filename="biscuit-hip-radiographs-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(pdf.body.startsWith("%PDF-")).toBe(true);
  });

  it("answers 404, the same as for a missing record, for anything the client may not see", async () => {
    const notShared = await idOf(happyPaws, "documents", "title", "Staff note: behaviour during exam");
    const switchedOff = await idOf(happyPaws, "documents", "title", "Discharge after sedation (sharing switched off)");
    const belowThreshold = await idOf(happyPaws, "documents", "title", "Urinalysis (awaiting review)");
    const deceasedPets = await idOf(happyPaws, "documents", "title", "Senior wellness exam");
    const lunasRecord = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("documents as d").innerJoin("patients as p", "p.id", "d.patient_id").select("d.id").where("p.name", "=", "Luna").executeTakeFirstOrThrow(),
    );
    const otherPractices = await idOf(riverside, "documents", "title", "Initial assessment: right knee");
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const id of [notShared, switchedOff, belowThreshold, deceasedPets, lunasRecord.id, otherPractices, missing, "not-a-uuid"]) {
      expect((await get(maria, `/records/${id}`)).status, `/records/${id}`).toBe(404);
      expect((await get(maria, `/records/${id}.pdf`)).status, `/records/${id}.pdf`).toBe(404);
    }
    // …while Luna's own client sees it.
    expect((await get(james, `/records/${lunasRecord.id}`)).status).toBe(200);
  });
});

describe("prescriptions", () => {
  it("never shows drafts, voided ones or a deceased pet's", async () => {
    const res = await get(maria, "/prescriptions");
    expect(res.body).toContain("Carprofen");
    expect(res.body).toContain("Apoquel");
    expect(res.body).toContain("Give 1 tablet by mouth once daily with food.");
    for (const hidden of ["Gabapentin", "Amoxicillin", "Vetmedin"]) expect(res.body).not.toContain(hidden);
  });
});

describe("appointments", () => {
  it("lists upcoming and past visits, hiding cancellations", async () => {
    const res = await get(maria, "/appointments");
    expect(res.body).toContain("Dental assessment");
    expect(res.body).toContain("Dental cleaning under anesthesia");
    expect(res.body).toContain("Annual wellness exam");
    expect(res.body).not.toContain("Nail trim");
    // Shown in the practice's time zone: Happy Paws is in Springfield, Illinois, on Central time.
    expect(res.body).toMatch(/\bC[SD]T\b/);
    expect(res.body).not.toMatch(/\bE[SD]T\b/);
  });

  it("lets the client confirm an unconfirmed appointment, once, with an audit record", async () => {
    const id = await idOf(happyPaws, "appointments", "reason", "Dental assessment");
    for (let i = 0; i < 2; i++) {
      const res = await post(maria, `/appointments/${id}/confirm`, "", "application/x-www-form-urlencoded");
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe("/appointments");
    }
    const row = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("appointments").select(["status", "confirmed_at", "confirmed_by_client_id"]).where("id", "=", id).executeTakeFirstOrThrow());
    const mariaId = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow());
    expect(row.status).toBe("confirmed");
    expect(row.confirmed_by_client_id).toBe(mariaId.id);
    expect(row.confirmed_at).toBeInstanceOf(Date);
    const audits = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("actor_id").where("action", "=", "client.appointment_confirmed").where("subject_id", "=", id).execute());
    expect(audits).toEqual([{ actor_id: mariaId.id }]);
    expect((await get(maria, "/appointments")).body).not.toContain(`/appointments/${id}/confirm`);
  });

  it("refuses to confirm another client's appointment, or a past one, with 404", async () => {
    const lunas = await idOf(happyPaws, "appointments", "reason", "Vaccinations");
    const past = await idOf(happyPaws, "appointments", "reason", "Annual wellness exam");
    const otherPractices = await idOf(riverside, "appointments", "reason", "Follow-up treatment");
    for (const id of [lunas, past, otherPractices, "nope"]) {
      expect((await post(maria, `/appointments/${id}/confirm`, "", "application/x-www-form-urlencoded")).status).toBe(404);
    }
    const row = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("appointments").select("status").where("id", "=", lunas).executeTakeFirstOrThrow());
    expect(row.status).toBe("scheduled");
  });

  it("offers an upcoming appointment as a calendar file", async () => {
    const id = await idOf(happyPaws, "appointments", "reason", "Dental cleaning under anesthesia");
    const res = await get(maria, `/appointments/${id}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/calendar; charset=utf-8");
    expect(res.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(res.body).toMatch(/\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
    expect(res.body.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(res.body.replace(/\r\n /g, "")).toContain("SUMMARY:Dental cleaning under anesthesia — Biscuit at Happy Paws Animal Hospital");
    const past = await idOf(happyPaws, "appointments", "reason", "Annual wellness exam");
    expect((await get(maria, `/appointments/${past}.ics`)).status).toBe(404);
    expect((await get(james, `/appointments/${id}.ics`)).status).toBe(404);
    const otherPractices = await idOf(riverside, "appointments", "reason", "Follow-up treatment");
    expect((await get(maria, `/appointments/${otherPractices}.ics`)).status).toBe(404);
  });
});

describe("reminders", () => {
  it("splits pending reminders into overdue and upcoming, for visible pets only", async () => {
    const res = await get(maria, "/reminders");
    const [overdue, upcoming] = res.body.split('id="upcoming-heading"');
    expect(overdue).toContain("Rabies vaccine booster");
    expect(upcoming).toContain("Heartworm test");
    expect(upcoming).toContain("FVRCP vaccine booster");
    for (const hidden of ["Senior blood panel", "Bordetella", "Shadow"]) expect(res.body).not.toContain(hidden);
  });
});

describe("settings and photos", () => {
  function multipart(fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }): { body: Buffer; contentType: string } {
    const boundary = "----portico-test-boundary";
    const parts: Buffer[] = [];
    for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    if (file) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from("\r\n"));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
  }

  async function upload(cookie: string, patientId: string, file: { name: string; type: string; content: Buffer }) {
    const { body, contentType } = multipart({ patientId }, file);
    return server.request(HAPPY, "/settings", {
      method: "POST",
      headers: { cookie, origin: `http://${HAPPY}`, "content-type": contentType, "content-length": String(body.length) },
      body: body as unknown as string,
    });
  }

  /** The photo's row and its bytes, read back from the file store through the row. */
  const storedPhoto = (patientId: string) =>
    withPractice(db.owner.db, happyPaws, async (trx) => {
      const row = await trx.selectFrom("patient_photos").select(["content", "file_id", "content_type"]).where("patient_id", "=", patientId).executeTakeFirst();
      if (!row) return undefined;
      expect(row.content).toBeNull();
      const file = (await server.files.openFile(trx, happyPaws, row.file_id!))!;
      return { content: await buffer(await file.read()), content_type: row.content_type, file };
    });

  it("shows the account read-only and the practice's locations", async () => {
    const res = await get(maria, "/settings");
    expect(res.body).toContain("maria.lopez@example.com");
    expect(res.body).toContain("maria@lopez-family.example.com");
    expect(res.body).toContain("To change them, please contact the practice.");
    expect(res.body).toContain("1200 Maple Avenue");
  });

  it("stores a valid photo re-encoded without EXIF, and serves it only to its client", async () => {
    const biscuit = await idOf(happyPaws, "patients", "name", "Biscuit");
    const withExif = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: "#c08040" } })
      .jpeg()
      .withExif({ IFD0: { Make: "PorticoCam", Model: "Secret device" }, IFD3: { GPSLatitudeRef: "N" } })
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const res = await upload(maria, biscuit, { name: "biscuit.jpg", type: "image/jpeg", content: withExif });
    expect(res.status).toBe(200);
    expect(res.body).toContain("The photo of Biscuit was updated.");

    const photo = await get(maria, `/photos/${biscuit}`);
    expect(photo.status).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/jpeg");
    expect(photo.headers["x-content-type-options"]).toBe("nosniff");
    expect(photo.headers["cache-control"]).toBe("private, no-store");
    const stored = (await storedPhoto(biscuit))!;
    const metadata = await sharp(stored.content).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.format).toBe("jpeg");
    expect(Math.max(metadata.width!, metadata.height!)).toBe(1600);
    expect(stored.content.includes(Buffer.from("PorticoCam"))).toBe(false);

    expect((await get(james, `/photos/${biscuit}`)).status).toBe(404);
    expect((await get(alex, `/photos/${biscuit}`, RIVERSIDE)).status).toBe(404);
  });

  it.each([
    ["a text file named .jpg", { name: "notes.jpg", type: "image/jpeg", content: Buffer.from("these are not pixels") }, "not a photo we can read"],
    ["an SVG", { name: "x.svg", type: "image/svg+xml", content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>') }, "JPEG, PNG or WebP"],
    ["an HTML polyglot with a JPEG header", { name: "p.jpg", type: "image/jpeg", content: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("<html><script>alert(1)</script></html>")]) }, "not a photo we can read"],
  ])("refuses %s with a clear message and stores nothing", async (_what, file, message) => {
    const mochi = await idOf(happyPaws, "patients", "name", "Mochi");
    const res = await upload(maria, mochi, file);
    expect(res.status).toBe(422);
    expect(res.body).toContain(message);
    expect(await storedPhoto(mochi)).toBeUndefined();
  });

  it("refuses an image of enormous dimensions (a decompression bomb) and stores nothing", async () => {
    const mochi = await idOf(happyPaws, "patients", "name", "Mochi");
    const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: "#000" } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await upload(maria, mochi, { name: "bomb.png", type: "image/png", content: bomb });
    expect(res.status).toBe(422);
    expect(res.body).toContain("too large");
    expect(await storedPhoto(mochi)).toBeUndefined();
  });

  it("refuses a file over 10 MB with 413 and stores nothing", async () => {
    const mochi = await idOf(happyPaws, "patients", "name", "Mochi");
    const res = await upload(maria, mochi, { name: "big.jpg", type: "image/jpeg", content: Buffer.alloc(10 * 1024 * 1024 + 10, 1) });
    expect(res.status).toBe(413);
    expect(res.body).toContain("larger than 10 MB");
    expect(await storedPhoto(mochi)).toBeUndefined();
  });

  it("answers a 20 MB photo, announced or chunked, with the page and the field's message, never the error page", async () => {
    const mochi = await idOf(happyPaws, "patients", "name", "Mochi");
    const { body, contentType } = multipart({ patientId: mochi }, { name: "huge.jpg", type: "image/jpeg", content: Buffer.alloc(20 * 1024 * 1024, 1) });
    const announced = await server.request(HAPPY, "/settings", {
      method: "POST",
      headers: { cookie: maria, origin: `http://${HAPPY}`, "content-type": contentType, "content-length": String(body.length) },
      body: body as unknown as string,
    });
    const chunked = await server.request(HAPPY, "/settings", { method: "POST", headers: { cookie: maria, origin: `http://${HAPPY}`, "content-type": contentType, "transfer-encoding": "chunked" }, body: body as unknown as string });
    for (const res of [announced, chunked]) {
      expect(res.status).toBe(413);
      expect(res.body).toContain("That photo is larger than 10 MB");
      expect(res.body).toContain("<h1>Settings</h1>");
    }
    expect(await storedPhoto(mochi)).toBeUndefined();
  });

  it("refuses a photo for another client's pet with 404", async () => {
    const luna = await idOf(happyPaws, "patients", "name", "Luna");
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } }).png().toBuffer();
    expect((await upload(maria, luna, { name: "x.png", type: "image/png", content: png })).status).toBe(404);
    expect(await storedPhoto(luna)).toBeUndefined();
  });
});

describe("signed out", () => {
  it.each(["/home", "/records", "/prescriptions", "/appointments", "/reminders", "/settings", "/records/00000000-0000-4000-8000-000000000000.pdf", "/photos/00000000-0000-4000-8000-000000000000"])(
    "%s sends the visitor to sign in",
    async (path) => {
      const res = await server.request(HAPPY, path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe("/");
    },
  );

  it("a Happy Paws session opens nothing at Riverside", async () => {
    for (const path of ["/home", "/records", "/appointments"]) {
      expect((await get(maria, path, RIVERSIDE)).status).toBe(302);
    }
  });
});
