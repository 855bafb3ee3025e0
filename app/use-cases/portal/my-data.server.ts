import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { ZipFile } from "yazl";
import { recordAudit } from "../../../server/audit.server";
import type { PorticoLoadContext } from "../../load-context";
import { withSignedInClient } from "../client-session.server";
import { listAppointments } from "./appointments.server";
import { getPets } from "./get-pets.server";
import { listPrescriptions } from "./prescriptions.server";
import { getRecord, getRecordFile, listRecords, recordPdf } from "./records.server";
import { listReminders } from "./reminders.server";
import { getAccountSettings } from "./settings.server";

/** A portal area this person may not open (a linked person without that right) is left out, as its page is a 404. */
async function ifAllowed<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Response && error.status === 404) return null;
    throw error;
  }
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");

/**
 * "Download my data": what the portal shows this client, page by page, as JSON files plus each record as its PDF, in
 * one zip. Every part is read through the portal page's own use case, so the download can never show more than the
 * pages do (a document with sharing off, a deceased pet, another client's pet never appear). The JSON is read before
 * the answer starts (a signed-out visitor gets the sign-in redirect, not a broken zip); the PDFs are rendered one at a
 * time while the zip streams out. Audited as `client.data_downloaded`.
 */
export async function downloadMyData(context: PorticoLoadContext, request: Request): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  const settings = await getAccountSettings(context, request);
  const { shell } = settings;
  const pets = await getPets(context, request);
  const records = await ifAllowed(listRecords(context, request));
  const appointments = await ifAllowed(listAppointments(context, request));
  const prescriptions = await ifAllowed(listPrescriptions(context, request));
  const reminders = await ifAllowed(listReminders(context, request));
  await withSignedInClient(context, request, (scope) =>
    recordAudit(scope.trx, scope.practiceId, {
      actorType: "client",
      actorId: scope.client.id,
      action: "client.data_downloaded",
      subjectType: "client",
      subjectId: scope.client.viewing.clientId,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      at: context.now(),
    }),
  );

  const zip = new ZipFile();
  const mtime = context.now();
  const add = (name: string, content: Buffer) => zip.addBuffer(content, name, { mtime });
  add(
    "README.txt",
    Buffer.from(
      [
        `Your data at ${shell.practiceName}, as the portal shows it to you on ${mtime.toISOString().slice(0, 10)}.`,
        "",
        "account.json        your details as the practice keeps them",
        `patients.json       your ${shell.patientsLabel.toLowerCase()}`,
        "records.json        the records shared with you; each record is also in records/ as a PDF, its attached files beside it",
        "appointments.json   upcoming and past appointments",
        "prescriptions.json  current prescriptions",
        "reminders.json      reminders that are due",
        "",
        `The practice's own system may hold more. To ask for it, contact ${shell.practiceName}${shell.contact.email ? ` at ${shell.contact.email}` : ""}.`,
        "",
      ].join("\n"),
      "utf8",
    ),
  );
  add("account.json", json({ ...settings.page.client, practice: { name: shell.practiceName, ...shell.contact } }));
  add("patients.json", json(pets.page.pets.map(({ photoVersion: _photo, ...pet }) => pet)));
  if (records) add("records.json", json(records.page.pets));
  if (appointments) add("appointments.json", json({ upcoming: appointments.page.upcoming, past: appointments.page.past }));
  if (prescriptions) add("prescriptions.json", json(prescriptions.page.prescriptions));
  if (reminders) add("reminders.json", json(reminders.page));

  const recordIds = records ? records.page.pets.flatMap((pet) => pet.years.flatMap((year) => year.records.map((record) => record.id))) : [];
  void (async () => {
    const used = new Set<string>();
    try {
      for (const id of recordIds) {
        // Each record read again through the record page's own check; one gone meanwhile is simply left out.
        const record = await ifAllowed(getRecord(context, request, id));
        if (!record) continue;
        const pdf = await recordPdf(record);
        let name = pdf.filename;
        for (let n = 2; used.has(name); n++) name = pdf.filename.replace(/\.pdf$/, `-${n}.pdf`);
        used.add(name);
        add(`records/${name}`, pdf.content);
        // Attached files, each through the download's own check, streamed one at a time (never held whole).
        for (const file of record.page.files) {
          const download = await ifAllowed(getRecordFile(context, request, id, file.id));
          if (!download) continue;
          const bytes = await download.read();
          zip.addReadStream(bytes, `records/${name.replace(/\.pdf$/, "")}/${download.name}`, { mtime });
          await finished(bytes);
        }
      }
    } catch (error) {
      // The answer has started: the zip ends without the remaining PDFs rather than never ending.
      add("records/INCOMPLETE.txt", Buffer.from(`Some records could not be added: ${error instanceof Error ? error.message : String(error)}\n`, "utf8"));
    } finally {
      zip.end();
    }
  })();
  const slug = shell.practiceName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "portal";
  return { filename: `my-data-${slug}-${mtime.toISOString().slice(0, 10)}.zip`, stream: Readable.toWeb(zip.outputStream as Readable) as ReadableStream<Uint8Array> };
}
