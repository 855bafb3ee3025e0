import type { PracticeTransaction } from "../../db/with-practice.server";

/** A record as events name it: Portico's id and the practice system's own id (null for records made in Portico). */
export type RecordRef = { id: string; externalId: string | null };

export async function clientRef(trx: PracticeTransaction, clientId: string): Promise<RecordRef> {
  const row = await trx.selectFrom("clients").select("external_id").where("id", "=", clientId).executeTakeFirst();
  return { id: clientId, externalId: row?.external_id ?? null };
}

/** A patient and the client it belongs to, in one query. */
export async function patientRefs(trx: PracticeTransaction, patientId: string): Promise<{ client: RecordRef; patient: RecordRef }> {
  const row = await trx
    .selectFrom("patients as p")
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
    .select(["p.external_id as patient_external_id", "c.id as client_id", "c.external_id as client_external_id"])
    .where("p.id", "=", patientId)
    .executeTakeFirstOrThrow();
  return { client: { id: row.client_id, externalId: row.client_external_id }, patient: { id: patientId, externalId: row.patient_external_id } };
}
