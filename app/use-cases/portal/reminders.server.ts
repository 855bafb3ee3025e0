import type { PorticoLoadContext } from "../../load-context";
import { formatDate, localeFor } from "../../time";
import { patientVisibleSql, practiceRecordsSql } from "../../visibility/portal-queries.server";
import { PAGE_AREA, reminderSection } from "../../visibility/portal-rules";
import { requireArea } from "../client-session.server";
import { portalPage } from "./portal-page.server";

export type ReminderItem = { id: string; patientName: string; description: string; dueOn: string };

/** Pending reminders per visible patient, split into overdue and upcoming by the practice's calendar. */
export async function listReminders(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async ({ trx, client, today, timeZone }) => {
    requireArea(client, PAGE_AREA.reminders);
    const rows = await trx
      .selectFrom("reminders as r")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
      .select(["r.id", "p.name as patient_name", "r.description", "r.due_on", "r.status"])
      .where("p.client_id", "=", client.viewing.clientId)
      .where(patientVisibleSql)
      .where(practiceRecordsSql(client.access))
      .where("r.status", "=", "pending")
      .orderBy("r.due_on")
      .orderBy("p.name")
      .execute();
    const overdue: ReminderItem[] = [];
    const upcoming: ReminderItem[] = [];
    for (const row of rows) {
      const item = { id: row.id, patientName: row.patient_name, description: row.description, dueOn: formatDate(row.due_on, localeFor(timeZone)) };
      const section = reminderSection({ status: row.status, dueOn: row.due_on }, today);
      if (section === "overdue") overdue.push(item);
      else if (section === "upcoming") upcoming.push(item);
    }
    return { overdue, upcoming };
  });
}
