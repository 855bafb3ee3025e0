import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../db/seed/seed-demo.server";
import { withPractice } from "../../db/with-practice.server";
import type { FileStore } from "../../server/files/file-store.server";
import { localFileStore } from "../../server/files/local-file-store.server";
import { movePhotosEverywhere } from "../../server/files/move-photos.server";
import { practiceFiles } from "../../server/files/practice-files.server";
import type { Practice } from "../../tenants/practice";
import { buffer } from "node:stream/consumers";
import { connect } from "../../db/connection.server";
import { provisionDedicatedDatabase, serverOf } from "../../tenants/dedicated-databases.server";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { createPracticeFixture } from "../support/practices";
import { startTestServer, testKeys, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let root: string;
let store: FileStore;
/** Bytes the server has read out of the store so far (the store is real; this only counts what passes). */
let readFromStore = 0;
let happyPaws: Practice;
let maria: string;
let james: string;
let alex: string;
let owner: string;
const pets: Record<"biscuit" | "mochi" | "luna", string> = { biscuit: "", mochi: "", luna: "" };

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db.owner.db);
  root = await fs.mkdtemp(path.join(os.tmpdir(), "portico-photo-files-"));
  const local = localFileStore(root);
  store = {
    ...local,
    kind: local.kind,
    get: async (key) =>
      (await local.get(key)).pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            readFromStore += chunk.length;
            callback(null, chunk);
          },
        }),
      ),
  };
  server = await startTestServer(db, {}, { files: practiceFiles(store, testKeys()) });
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  const riverside = (await server.registry.resolve("riverside-physio"))!;
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  james = await sessionCookieFor(db, happyPaws, "james.okafor@example.com");
  alex = await sessionCookieFor(db, riverside, "alex.morgan@example.com");
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    for (const name of ["Biscuit", "Mochi", "Luna"] as const) {
      pets[name.toLowerCase() as keyof typeof pets] = (await trx.selectFrom("patients").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    }
  });
});

afterAll(async () => {
  await server.close();
  await fs.rm(root, { recursive: true, force: true });
});

type Download = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET whose body is kept as bytes. */
function download(host: string, target: string, cookie: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: server.port, path: target, headers: { host, cookie }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

async function upload(cookie: string, patientId: string, content: Buffer): Promise<number> {
  const boundary = "----portico-photo-files";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${patientId}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await server.request(HAPPY, "/settings", {
    method: "POST",
    headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
    body: body as unknown as string,
  });
  return res.status;
}

const photoRow = (patientId: string) =>
  withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("patient_photos").select(["content", "file_id"]).where("patient_id", "=", patientId).executeTakeFirst());
const fileRows = (ids: string[]) => withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("files").select("id").where("id", "in", ids).execute());
const stored = (fileId: string) => store.exists(`${happyPaws.id}/${fileId}`);
const jpeg = (background: string) => sharp({ create: { width: 40, height: 30, channels: 3, background } }).jpeg().toBuffer();

describe("pet photos in the file store", () => {
  it("serves an uploaded photo from its file to its client and the practice's staff, and to no one else", async () => {
    expect(await upload(maria, pets.biscuit, await jpeg("#336699"))).toBe(200);
    const row = (await photoRow(pets.biscuit))!;
    expect(row.content).toBeNull();
    expect(await stored(row.file_id!)).toBe(true);

    const own = await download(HAPPY, `/photos/${pets.biscuit}`, maria);
    expect(own.status).toBe(200);
    expect((await sharp(own.body).metadata()).format).toBe("jpeg");
    const staff = await download(HAPPY, `/admin/photos/${pets.biscuit}`, owner);
    expect(staff.status).toBe(200);
    expect(staff.body.equals(own.body)).toBe(true);

    // Another client of the practice, a client of another practice on its own host, a made-up id: the row is not
    // visible to their transaction, so nothing is read from the store.
    const before = readFromStore;
    expect((await download(HAPPY, `/photos/${pets.biscuit}`, james)).status).toBe(404);
    expect((await download(RIVERSIDE, `/photos/${pets.biscuit}`, alex)).status).toBe(404);
    expect((await download(HAPPY, `/photos/${row.file_id}`, maria)).status).toBe(404);
    expect(readFromStore).toBe(before);
  });

  it("replaces a photo's file, and removes the old file's row and bytes", async () => {
    expect(await upload(maria, pets.mochi, await jpeg("#aa0000"))).toBe(200);
    const first = (await photoRow(pets.mochi))!.file_id!;
    expect(await upload(maria, pets.mochi, await jpeg("#00aa00"))).toBe(200);
    await server.settled();
    const second = (await photoRow(pets.mochi))!.file_id!;
    expect(second).not.toBe(first);
    expect(await fileRows([first])).toEqual([]);
    expect(await stored(first)).toBe(false);
    expect(await stored(second)).toBe(true);
  });

  it("removes the file when staff remove the photo", async () => {
    const fileId = (await photoRow(pets.mochi))!.file_id!;
    const body = new URLSearchParams([["intent", "remove-photo"], ["patientId", pets.mochi]]).toString();
    const res = await server.request(HAPPY, "/admin/portal-settings", {
      method: "POST",
      headers: { cookie: owner, origin: `http://${HAPPY}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
      body,
    });
    expect(res.status).toBeLessThan(400);
    await server.settled();
    expect(await photoRow(pets.mochi)).toBeUndefined();
    expect(await fileRows([fileId])).toEqual([]);
    expect(await stored(fileId)).toBe(false);
  });

  it("serves a photo still in the database from its row, and the start-up step moves it into the store", async () => {
    const old = await jpeg("#777777");
    await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.insertInto("patient_photos").values({ practice_id: happyPaws.id, patient_id: pets.mochi, content: old, content_type: "image/jpeg", width: 40, height: 30, uploaded_by: "client" }).execute(),
    );
    const before = await download(HAPPY, `/photos/${pets.mochi}`, maria);
    expect(before.status).toBe(200);
    expect(before.body.equals(old)).toBe(true);

    const reports = await movePhotosEverywhere(db.owner.db, testKeys(), server.files);
    expect(reports.find((report) => report.database === "main")).toMatchObject({ ok: true, moved: 1 });
    const row = (await photoRow(pets.mochi))!;
    expect(row.content).toBeNull();
    expect(await stored(row.file_id!)).toBe(true);
    const after = await download(HAPPY, `/photos/${pets.mochi}`, maria);
    expect(after.status).toBe(200);
    expect(after.body.equals(old)).toBe(true);
    expect((await download(HAPPY, `/admin/photos/${pets.mochi}`, owner)).body.equals(old)).toBe(true);

    // Nothing left to move: running it again (every start does) changes nothing.
    expect((await movePhotosEverywhere(db.owner.db, testKeys(), server.files)).every((report) => report.ok && report.moved === 0)).toBe(true);
    expect((await photoRow(pets.mochi))!.file_id).toBe(row.file_id);
  });

  it("moves the photos of a practice on a dedicated database, in that database", async () => {
    const empty = await createEmptyDatabase();
    const appPassword = decodeURIComponent(new URL(db.appUrl).password);
    const placement = await provisionDedicatedDatabase(db.owner.db, testKeys(), { ownerUrl: empty.ownerUrl, mainServer: serverOf(db.ownerUrl), mainAppPassword: appPassword, runtimePassword: appPassword });
    const dedicated = connect(empty.ownerUrl, { max: 1 });
    try {
      const fixture = await createPracticeFixture(db.owner.db, "dedicated-photos", "veterinary", { id: placement.id, db: dedicated.db });
      const old = await jpeg("#123456");
      const inDedicated = <T>(work: Parameters<typeof withPractice<T>>[2]) => withPractice(dedicated.db, fixture.practice, work);
      await inDedicated((trx) =>
        trx.insertInto("patient_photos").values({ practice_id: fixture.practice.id, patient_id: fixture.patientId, content: old, content_type: "image/jpeg", width: 40, height: 30, uploaded_by: "staff" }).execute(),
      );
      const reports = await movePhotosEverywhere(db.owner.db, testKeys(), server.files);
      expect(reports.find((report) => report.database === placement.location)).toMatchObject({ ok: true, practices: 1, moved: 1 });
      const moved = await inDedicated(async (trx) => {
        const row = await trx.selectFrom("patient_photos").select(["content", "file_id"]).executeTakeFirstOrThrow();
        expect(row.content).toBeNull();
        return server.files.openFile(trx, fixture.practice, row.file_id!);
      });
      expect((await buffer(await moved!.read())).equals(old)).toBe(true);
      // The file's row and key live in the dedicated database, not the main one.
      expect(await withPractice(db.owner.db, fixture.practice, (trx) => trx.selectFrom("files").select("id").execute())).toEqual([]);
    } finally {
      await dedicated.close();
    }
  });

  it("streams a 10 MB file to a slow client: the server reads from the store at the client's pace", async () => {
    const size = 10 * 1024 * 1024;
    const bytes = randomBytes(size);
    await withPractice(db.app.db, happyPaws, async (trx) => {
      const file = await server.files.storeFile(trx, happyPaws, Readable.from([bytes]), {
        purpose: "patient_photo",
        contentType: "image/jpeg",
        createdBy: { type: "system", id: null },
      });
      await trx
        .updateTable("patient_photos")
        .set({ file_id: file.id, content: null, uploaded_at: new Date() })
        .where("patient_id", "=", pets.mochi)
        .execute();
    });
    readFromStore = 0;
    const hash = createHash("sha256");
    let received = 0;
    let pulledWhilePaused = 0;
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: server.port, path: `/photos/${pets.mochi}`, headers: { host: HAPPY, cookie: maria }, agent: false }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once("data", (chunk: Buffer) => {
            received += chunk.length;
            hash.update(chunk);
            res.pause();
            // The client reads nothing for a while: the server must stop reading the store once the socket is full.
            setTimeout(() => {
              pulledWhilePaused = readFromStore;
              res.on("data", (more: Buffer) => {
                received += more.length;
                hash.update(more);
              });
              res.resume();
            }, 500);
          });
          res.on("end", resolve);
          res.on("error", reject);
        })
        .on("error", reject);
    });
    expect(received).toBe(size);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    // Loopback socket buffers hold a few MB (about 5 here); without backpressure the whole file was read at once.
    expect(pulledWhilePaused).toBeLessThan(size * 0.8);
  });
});
