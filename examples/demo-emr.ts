import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import PDFDocument from "pdfkit";
import { Webhook } from "standardwebhooks";
import { connect } from "../db/connection.server";
import type { PracticeScope } from "../db/with-practice.server";
import { recordAudit } from "../server/audit.server";
import { issueApiKey } from "../server/api/keys.server";
import { loadConfig, publicOrigin } from "../server/config.server";
import { platformKeys } from "../server/platform-keys.server";
import { openPlatformDatabase } from "../server/platform.server";
import { newSigningSecret, sealSigningSecret } from "../server/webhooks/send-webhook.server";
import type { PlatformKeys } from "../tenants/sealed-secrets.server";
import type { Practice } from "../tenants/practice";
import { PracticeDatabases } from "../tenants/practice-databases.server";
import { findPractice } from "../tenants/practices.server";

/**
 * A practice system (EMR/PIMS) in one file, talking to a running Portico (`npm start` in another terminal):
 * it gets an API key and a webhook endpoint for a demo practice, pushes a new client with a pet and a shared record
 * with a PDF through the integration API, and prints every webhook it receives, verified with the official
 * Standard Webhooks library, while you sign in as that client and upload a photo.
 *
 *   npm run demo:emr                      # Happy Paws
 *   npm run demo:emr -- riverside-physio   # any practice on the shared database
 */

const EVENTS = ["client.signed_in", "client.photo_uploaded", "appointment.confirmed", "client.account_created"];

export type DemoEmrSetup = { apiKey: string; webhookSecret: string; endpointId: string };

/**
 * What staff would do in admin (Integrations → API keys, Webhooks), done directly: a write key named "Demo EMR" and
 * an endpoint at `receiverUrl`, both audited as the system.
 */
export async function connectDemoEmr(options: { practice: Practice; scope: PracticeScope; keys: PlatformKeys; receiverUrl: string; now?: Date }): Promise<DemoEmrSetup> {
  const now = options.now ?? new Date();
  return options.scope(async (trx) => {
    const key = await issueApiKey(trx, { practiceId: options.practice.id, name: "Demo EMR", scopes: ["read", "write"], createdBy: null, now });
    const endpointId = randomUUID();
    const webhookSecret = newSigningSecret();
    await trx
      .insertInto("webhook_endpoints")
      .values({
        practice_id: options.practice.id,
        id: endpointId,
        url: options.receiverUrl,
        description: "Demo EMR (npm run demo:emr)",
        event_types: EVENTS,
        secret_sealed: sealSigningSecret(options.keys, options.practice.id, endpointId, webhookSecret),
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, options.practice.id, { actorType: "system", action: "api_key.created", subjectType: "api_key", subjectId: key.id, details: { name: key.name, via: "demo:emr" }, at: now });
    return { apiKey: key.secret, webhookSecret, endpointId };
  });
}

type ApiCaller = (method: string, path: string, body?: unknown, contentType?: string) => Promise<{ status: number; json: unknown }>;

/** Calls the API of `origin` (e.g. http://happy-paws.localhost:3000) on loopback, with the Host header browsers would send. */
export function apiCaller(origin: string, apiKey: string, connectTo: { host: string; port: number }): ApiCaller {
  const host = new URL(origin).host;
  return (method, path, body, contentType = "application/json") =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const req = http.request(
        { host: connectTo.host, port: connectTo.port, method, path: `/api/v1${path}`, headers: { host, authorization: `Bearer ${apiKey}`, ...(payload ? { "content-type": contentType, "content-length": payload.length } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : null });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
}

function recordPdf(title: string, lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56 });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.fontSize(18).text(title).moveDown();
    doc.fontSize(11);
    for (const line of lines) doc.text(line);
    doc.end();
  });
}

export type PushedRecords = { email: string; patientName: string; clientExternalId: string; documentExternalId: string; fileStatus: number };

/** A new client with a pet and a shared wellness record with its PDF, as a practice system would send them. */
export async function pushDemoClient(api: ApiCaller, kind: Practice["kind"], suffix: string): Promise<PushedRecords> {
  const clientExternalId = `EMR-C-${suffix}`;
  const patientExternalId = `EMR-P-${suffix}`;
  const documentExternalId = `EMR-D-${suffix}`;
  const email = `demo.client+${suffix}@example.com`;
  const patientName = kind === "veterinary" ? "Pepper" : "Sam";
  const expect = (step: string, res: { status: number; json: unknown }) => {
    if (res.status >= 300) throw new Error(`${step} answered ${res.status}: ${JSON.stringify(res.json)}`);
  };
  expect("PUT client", await api("PUT", `/clients/${clientExternalId}`, { first_name: "Dana", last_name: "Demo", emails: [email], phones: ["(555) 010-7788"] }));
  expect(
    "PUT patient",
    await api("PUT", `/patients/${patientExternalId}`, {
      client_external_id: clientExternalId,
      name: patientName,
      ...(kind === "veterinary" ? { species: "Dog", breed: "Beagle" } : { species: null, date_of_birth: "2015-04-02" }),
    }),
  );
  const visit = new Date().toISOString().slice(0, 10);
  expect(
    "PUT document",
    await api("PUT", `/documents/${documentExternalId}`, {
      patient_external_id: patientExternalId,
      title: "Wellness exam",
      category: "visit_notes",
      status: "completed",
      portal_shared: true,
      visit_date: visit,
      content: `${patientName} is in good health.\nWeight stable. Next check-up in twelve months.`,
    }),
  );
  const pdf = await recordPdf("Wellness exam", [`Patient: ${patientName}`, `Visit: ${visit}`, "In good health. Next check-up in twelve months."]);
  const file = await api("PUT", `/documents/${documentExternalId}/files/wellness-exam.pdf`, pdf, "application/pdf");
  return { email, patientName, clientExternalId, documentExternalId, fileStatus: file.status };
}

/** A loopback receiver that verifies each delivery with the official library before printing it. */
export function startReceiver(secret: () => string, onEvent: (event: { verified: boolean; type?: string; data?: unknown }) => void): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        try {
          const payload = new Webhook(secret()).verify(body, req.headers as Record<string, string>) as { type: string; data: unknown };
          onEvent({ verified: true, type: payload.type, data: payload.data });
          res.writeHead(204).end();
        } catch {
          onEvent({ verified: false });
          res.writeHead(400).end();
        }
      });
    });
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function main(): Promise<void> {
  const subdomain = process.argv[2] ?? "happy-paws";
  const config = loadConfig();
  const platform = await openPlatformDatabase(config, () => undefined);
  const keys = await platformKeys(config);
  const runtime = connect(platform.targets.appUrl, { max: 2, applicationName: "portico-demo-emr" });
  const databases = new PracticeDatabases(runtime.db, { shared: runtime.db, keys, maxConnections: 1, maxDatabases: 2 });
  let receiver: http.Server | undefined;
  const stop = async () => {
    receiver?.close();
    await databases.close();
    await runtime.close();
    await platform.release();
  };
  try {
    const practice = await findPractice(platform.owner.db, subdomain).catch(() => undefined);
    if (!practice) throw new Error(`No practice '${subdomain}'. Is Portico running (npm start)?`);
    if (!keys) throw new Error("Webhook secrets are sealed with PLATFORM_ENCRYPTION_KEY, which is not set.");
    let secret = "";
    receiver = await startReceiver(
      () => secret,
      (event) => process.stdout.write(event.verified ? `\n  webhook ${event.type} (signature verified)\n  ${JSON.stringify(event.data)}\n` : "\n  a delivery whose signature did not verify was refused\n"),
    );
    const { port } = receiver.address() as AddressInfo;
    const setup = await connectDemoEmr({ practice, scope: databases.scope(practice), keys, receiverUrl: `http://127.0.0.1:${port}/webhooks` });
    secret = setup.webhookSecret;
    const origin = publicOrigin(config, `${practice.subdomain}.${config.portalDomain}`);
    const api = apiCaller(origin, setup.apiKey, { host: "127.0.0.1", port: config.port });
    const pushed = await pushDemoClient(api, practice.kind, randomUUID().slice(0, 8));
    process.stdout.write(
      [
        "",
        `  Demo EMR connected to ${practice.name}`,
        `    API key (shown once)   ${setup.apiKey}`,
        `    webhooks to            http://127.0.0.1:${port}/webhooks (${EVENTS.join(", ")})`,
        `    pushed                 client ${pushed.clientExternalId} (${pushed.email}), ${pushed.patientName}, a shared "Wellness exam"${pushed.fileStatus < 300 ? " with its PDF" : ` (PDF refused: ${pushed.fileStatus})`}`,
        "",
        `  Now sign in at ${origin} as ${pushed.email}`,
        `  (the link is in the dev mailbox, ${publicOrigin(config, config.portalDomain)}/__dev/mailbox), open Records,`,
        `  then upload a photo of ${pushed.patientName} in Settings. Webhooks print below; Ctrl-C stops.`,
        "",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  } finally {
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo:emr failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
