import { Readable } from "node:stream";
import type { OpeningHours } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import { type PhotoProblem, processPhoto } from "../../../server/images/process-photo.server";

export { MAX_PHOTO_BYTES } from "../../../server/images/process-photo.server";
import type { PorticoLoadContext } from "../../load-context";
import { patientVisibleSql } from "../../visibility/portal-queries.server";
import { type ClientScope, withSignedInClient } from "../client-session.server";
import { openPhoto, type PhotoDownload } from "../patient-photo.server";
import { type AccessEvent, peopleWithAccess, type PersonWithAccess } from "./family.server";
import { idParam, notFound, portalPage } from "./portal-page.server";

export type AccountSettings = {
  client: { name: string; phone: string | null; emails: { email: string; primary: boolean }[] };
  pets: { id: string; name: string; photoVersion: string | null }[];
  locations: { id: string; name: string; address: string; phone: string | null; email: string | null; openingHours: OpeningHours }[];
  access: { people: PersonWithAccess[]; history: AccessEvent[] };
};

/** Account details (read-only: changes go through the practice), the practice's locations, and pet photos. */
export async function getAccountSettings(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async ({ trx, client, timeZone }): Promise<AccountSettings> => {
    const details = await trx.selectFrom("clients").select(["first_name", "last_name", "phone"]).where("id", "=", client.id).executeTakeFirstOrThrow();
    const emails = await trx.selectFrom("client_emails").select(["email", "is_primary"]).where("client_id", "=", client.id).orderBy("is_primary", "desc").orderBy("email").execute();
    const pets = await trx
      .selectFrom("patients as p")
      .leftJoin("patient_photos as ph", (join) => join.onRef("ph.practice_id", "=", "p.practice_id").onRef("ph.patient_id", "=", "p.id"))
      .select(["p.id", "p.name", "ph.uploaded_at"])
      .where("p.client_id", "=", client.viewing.clientId)
      .where(patientVisibleSql)
      .orderBy("p.name")
      .execute();
    const locations = await trx.selectFrom("locations").select(["id", "name", "address", "phone", "email", "opening_hours"]).orderBy("position").execute();
    return {
      client: { name: `${details.first_name} ${details.last_name}`, phone: details.phone, emails: emails.map((e) => ({ email: e.email, primary: e.is_primary })) },
      pets: pets.map((p) => ({ id: p.id, name: p.name, photoVersion: p.uploaded_at ? String(new Date(p.uploaded_at).getTime()) : null })),
      locations: locations.map((l) => ({ id: l.id, name: l.name, address: l.address, phone: l.phone, email: l.email, openingHours: l.opening_hours })),
      access: await peopleWithAccess(trx, client.id, timeZone),
    };
  });
}

export type PhotoUpload = { patientId: string | undefined; file: Buffer };
/** Why an upload could not be read: its answer's status, and words for the client. */
export type UnreadableUpload = PhotoProblem & { status: 400 | 413 };
export type PhotoUploadResult = { ok: true; patientName: string } | ({ ok: false; status: 400 | 413 | 422 } & PhotoProblem);

/** The account holder's own visible pet (linked persons do not change photos), or a 404. */
async function ownPet(scope: ClientScope, patientId: string): Promise<{ id: string; name: string }> {
  if (!scope.client.viewing.self) throw notFound();
  const patient = await scope.trx
    .selectFrom("patients as p")
    .select(["p.id", "p.name"])
    .where("p.id", "=", patientId)
    .where("p.client_id", "=", scope.client.viewing.clientId)
    .where(patientVisibleSql)
    .executeTakeFirst();
  if (!patient) throw notFound();
  return patient;
}

/**
 * Replaces a pet's photo with the uploaded one, after decoding and re-encoding it. Only for the client's own visible
 * pets; a refused file stores nothing. Each costly step waits for the check before it: the session before the body is
 * read (`readUpload`, which buffers up to 10 MB), the pet before the image is decoded. Decoding happens outside any
 * transaction, so no connection waits on it; the last transaction checks session and pet again.
 */
export async function uploadPetPhoto(context: PorticoLoadContext, request: Request, readUpload: () => Promise<PhotoUpload | UnreadableUpload>): Promise<PhotoUploadResult> {
  await withSignedInClient(context, request, async ({ client }) => {
    if (!client.viewing.self) throw notFound();
  });
  const upload = await readUpload();
  if ("problem" in upload) return { ok: false, ...upload };
  const patientId = idParam(upload.patientId);
  await withSignedInClient(context, request, (scope) => ownPet(scope, patientId));
  const processed = await processPhoto(upload.file);
  if ("problem" in processed) return { ok: false, status: 422, problem: processed.problem };
  const saved = await withSignedInClient(context, request, async (scope) => {
    const { trx, client, practiceId } = scope;
    const patient = await ownPet(scope, patientId);
    const now = context.now();
    const previous = await trx.selectFrom("patient_photos").select("file_id").where("patient_id", "=", patient.id).executeTakeFirst();
    const file = await context.files.storeFile(trx, { id: practiceId }, Readable.from([processed.content]), {
      purpose: "patient_photo",
      contentType: processed.contentType,
      createdBy: { type: "client", id: client.id },
    });
    const photoRow = { content: null, file_id: file.id, content_type: processed.contentType, width: processed.width, height: processed.height, uploaded_by: "client" as const, uploaded_at: now };
    await trx
      .insertInto("patient_photos")
      .values({ practice_id: practiceId, patient_id: patient.id, ...photoRow })
      .onConflict((oc) => oc.columns(["practice_id", "patient_id"]).doUpdateSet(photoRow))
      .execute();
    const discardPrevious = previous?.file_id ? await context.files.removeFile(trx, { id: practiceId }, previous.file_id) : undefined;
    await recordAudit(trx, practiceId, {
      actorType: "client",
      actorId: client.id,
      action: "client.patient_photo_uploaded",
      subjectType: "patient",
      subjectId: patient.id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      at: now,
    });
    const photo = { contentType: processed.contentType, width: processed.width, height: processed.height };
    await recordEvent(trx, practiceId, { type: "client.photo_uploaded", data: { ...(await patientRefs(trx, patient.id)), photo } }, now);
    return { result: { ok: true as const, patientName: patient.name }, discardPrevious };
  });
  // The replaced photo's bytes go once the new one is committed; if that fails they stay as an orphan (ADR 014).
  if (saved.discardPrevious) await context.runAfterResponse("remove replaced photo", saved.discardPrevious);
  return saved.result;
}

/** A visible pet's photo, for its own client only. */
export async function getPetPhoto(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<PhotoDownload> {
  const patientId = idParam(rawId);
  return withSignedInClient(context, request, async ({ trx, client, practiceId }) => {
    const row = await trx
      .selectFrom("patient_photos as ph")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "ph.practice_id").onRef("p.id", "=", "ph.patient_id"))
      .select(["ph.content", "ph.file_id", "ph.content_type", "ph.uploaded_at"])
      .where("ph.patient_id", "=", patientId)
      .where("p.client_id", "=", client.viewing.clientId)
      .where(patientVisibleSql)
      .executeTakeFirst();
    const photo = row && (await openPhoto(context, trx, practiceId, row));
    if (!photo) throw notFound();
    return photo;
  });
}
