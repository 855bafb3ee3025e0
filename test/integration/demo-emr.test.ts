import type http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { apiCaller, connectDemoEmr, pushDemoClient, startReceiver } from "../../examples/demo-emr";
import { createLogger } from "../../server/logger.server";
import { registryDirectory, WebhookWorker } from "../../server/webhooks/webhook-worker.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestServer, testKeys } from "../support/http";

/**
 * The README's working example, end to end: the demo practice system gets its key and endpoint, pushes a client with
 * a pet and a shared record with a PDF, and receives verified webhooks when that client signs in and uploads a photo.
 */

const HAPPY = "happy-paws.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let receiver: http.Server;
const received: { verified: boolean; type?: string; data?: unknown }[] = [];

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
});

afterAll(async () => {
  receiver?.close();
  await server.close();
});

describe("npm run demo:emr", () => {
  it("connects, pushes a client with a pet and a shared PDF record, and prints verified webhooks for their sign-in and photo", async () => {
    let secret = "";
    receiver = await startReceiver(() => secret, (event) => received.push(event));
    const { port } = receiver.address() as AddressInfo;
    const setup = await connectDemoEmr({ practice: happyPaws, scope: (work) => withPractice(db.app.db, happyPaws, work), keys: testKeys(), receiverUrl: `http://127.0.0.1:${port}/webhooks` });
    secret = setup.webhookSecret;
    expect(setup.apiKey).toMatch(/^pk_live_/);

    const api = apiCaller(`http://${HAPPY}`, setup.apiKey, { host: "127.0.0.1", port: server.port });
    const pushed = await pushDemoClient(api, "veterinary", "t1");
    expect(pushed.fileStatus).toBeLessThan(300);

    await postForm(server, HAPPY, "/?index", [["email", pushed.email]]);
    await server.settled();
    const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", pushed.email).executeTakeFirstOrThrow();
    const signedIn = await postForm(server, HAPPY, new URL(/https?:\/\/\S+/.exec(mail.text)![0]).pathname, [["intent", "sign-in"]]);
    expect(signedIn.status).toBe(302);
    const cookie = [signedIn.headers["set-cookie"]].flat().join().split(";")[0]!;
    const records = await server.request(HAPPY, "/records", { headers: { cookie } });
    expect(records.body).toContain("Wellness exam");

    const patientId = await withPractice(db.app.db, happyPaws, async (trx) => (await trx.selectFrom("patients").select("id").where("external_id", "=", "EMR-P-t1").executeTakeFirstOrThrow()).id);
    const photo = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#804020" } }).jpeg().toBuffer();
    const boundary = "----demo-emr";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${patientId}\r\n--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      photo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await server.request(HAPPY, "/settings", {
      method: "POST",
      headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
      body: body as unknown as string,
    });
    expect(uploaded.status).toBe(200);

    const worker = new WebhookWorker({
      db: db.owner.db,
      keys: testKeys(),
      logger: createLogger({ env: "test", logLevel: "silent" }),
      allowPrivateNetworks: true,
      practices: registryDirectory(db.owner.db, (subdomain) => `http://${subdomain}.localhost:3000`),
      random: () => 0,
    });
    await worker.drain();
    // Deliveries are independent: they may arrive in either order.
    expect(received.map((event) => [event.verified, event.type]).sort()).toEqual([
      [true, "client.photo_uploaded"],
      [true, "client.signed_in"],
    ]);
    expect(JSON.stringify(received)).toContain("EMR-C-t1");
  });
});
