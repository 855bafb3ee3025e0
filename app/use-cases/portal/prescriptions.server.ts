import type { AccessLevel } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { PorticoLoadContext } from "../../load-context";
import { formatDate, localeFor } from "../../time";
import { patientVisibleSql, practiceRecordsSql, prescriptionVisibleSql } from "../../visibility/portal-queries.server";
import { PAGE_AREA } from "../../visibility/portal-rules";
import { requireArea } from "../client-session.server";
import { portalPage } from "./portal-page.server";

export type PrescriptionItem = {
  id: string;
  patientName: string;
  medication: string;
  strength: string | null;
  directions: string;
  quantity: string | null;
  refillsRemaining: number;
  prescriber: string;
  prescribedOn: string;
  status: "active" | "completed";
};

/**
 * Prescriptions of a client's visible patients; drafts and voided ones never leave the database. Exported for the plan
 * test, which checks at scale that this very query uses its indexes.
 */
export function prescriptionsQuery(trx: PracticeTransaction, scope: { clientId: string; access: AccessLevel }) {
  return trx
    .selectFrom("prescriptions as rx")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "rx.practice_id").onRef("p.id", "=", "rx.patient_id"))
    .select(["rx.id", "p.name as patient_name", "rx.medication", "rx.strength", "rx.directions", "rx.quantity", "rx.refills_remaining", "rx.prescriber_name", "rx.prescribed_on", "rx.status"])
    .where("p.client_id", "=", scope.clientId)
    .where(patientVisibleSql)
    .where(practiceRecordsSql(scope.access))
    .where(prescriptionVisibleSql)
    .orderBy("p.name")
    .orderBy("rx.prescribed_on", "desc");
}

export async function listPrescriptions(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async ({ trx, client, timeZone }) => {
    requireArea(client, PAGE_AREA.prescriptions);
    const rows = await prescriptionsQuery(trx, { clientId: client.viewing.clientId, access: client.access }).execute();
    return {
      prescriptions: rows.map(
        (row): PrescriptionItem => ({
          id: row.id,
          patientName: row.patient_name,
          medication: row.medication,
          strength: row.strength,
          directions: row.directions,
          quantity: row.quantity,
          refillsRemaining: row.refills_remaining,
          prescriber: row.prescriber_name,
          prescribedOn: formatDate(row.prescribed_on, localeFor(timeZone)),
          status: row.status as "active" | "completed",
        }),
      ),
    };
  });
}
