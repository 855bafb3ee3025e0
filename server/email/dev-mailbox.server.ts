import express, { type Request, type Response, type NextFunction } from "express";
import type { Kysely } from "kysely";
import type { Site } from "../../app/load-context";
import type { Database } from "../../db/schema";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Development only (never mounted in production), for loopback clients only: every message in the outbox, on the
 * landing host (http://localhost:3000/__dev/mailbox), so sign-in links can be followed without a mail server.
 */
export function devMailbox(databases: () => Kysely<Database>[]): express.Router {
  const router = express.Router();
  // Only on this machine: a development server bound to 0.0.0.0 must not hand sign-in links to the network.
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((res.locals.site as Site).kind !== "landing" || !LOOPBACK.has(req.socket.remoteAddress ?? "")) res.status(404).type("text").send("Not found");
    else next();
  });

  // The main database's outbox and every dedicated database's, newest first.
  const latest = async () => {
    const all = await Promise.all(
      databases().map((db) =>
        db
          .selectFrom("mail.outbox")
          .select(["id", "practice_id", "created_at", "recipient", "from_name", "subject", "status", "attempts", "text", "html", "sent_at", "attachments"])
          .orderBy("created_at", "desc")
          .limit(200)
          .execute()
          .catch(() => []),
      ),
    );
    return all
      .flat()
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
      .slice(0, 200);
  };

  router.get("/mailbox.json", async (_req, res) => {
    const messages = await latest();
    res.json(
      messages.map((m) => ({
        id: m.id,
        practiceId: m.practice_id,
        createdAt: m.created_at,
        sentAt: m.sent_at,
        to: m.recipient,
        fromName: m.from_name,
        subject: m.subject,
        status: m.status,
        attempts: m.attempts,
        text: m.text,
        html: m.html,
        attachments: (m.attachments ?? []).map((a) => a.filename),
      })),
    );
  });

  router.get("/mailbox", async (_req, res) => {
    const messages = await latest();
    const files = (m: (typeof messages)[number]) =>
      (m.attachments ?? []).map((a, index) => `<br><a href="/__dev/mailbox/${m.id}/attachments/${index}">${escapeHtml(a.filename)}</a>`).join("");
    const rows = messages
      .map(
        (m) =>
          `<li class="card"><a href="/__dev/mailbox/${m.id}"><strong>${escapeHtml(m.subject)}</strong></a><br><span class="muted">To ${escapeHtml(m.recipient)} · from ${escapeHtml(m.from_name)} · ${m.created_at.toISOString()} · ${m.status}</span>${files(m)}</li>`,
      )
      .join("\n");
    res.type("html").send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev mailbox · Portico</title><link rel="stylesheet" href="/css/portico.css"></head>
<body><main class="container main" id="main"><h1>Dev mailbox</h1>
<p class="muted">Development only: mail the portal would have sent, newest first. Nothing here leaves this machine.</p>
${messages.length ? `<ul class="mailbox">${rows}</ul>` : "<p>No mail yet.</p>"}
</main></body></html>`);
  });

  router.get("/mailbox/:id", async (req, res) => {
    const id = req.params.id ?? "";
    if (!UUID.test(id)) {
      res.status(404).type("text").send("No such message");
      return;
    }
    const found = await Promise.all(databases().map((db) => db.selectFrom("mail.outbox").select("html").where("id", "=", id).executeTakeFirst().catch(() => undefined)));
    const message = found.find((row) => row !== undefined);
    if (!message) {
      res.status(404).type("text").send("No such message");
      return;
    }
    // Email HTML carries inline styles by necessity; it gets a policy of its own that still runs no script.
    res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'");
    res.type("html").send(message.html);
  });

  router.get("/mailbox/:id/attachments/:index", async (req, res) => {
    const id = req.params.id ?? "";
    const found = UUID.test(id)
      ? await Promise.all(databases().map((db) => db.selectFrom("mail.outbox").select("attachments").where("id", "=", id).executeTakeFirst().catch(() => undefined)))
      : [];
    const attachment = found.find((row) => row !== undefined)?.attachments?.[Number(req.params.index)];
    if (!attachment) {
      res.status(404).type("text").send("No such attachment");
      return;
    }
    // Always a download, whatever the stored type says: nothing from a message runs on this origin.
    res.attachment(attachment.filename).type(attachment.contentType).send(Buffer.from(attachment.content, "base64"));
  });
  return router;
}
