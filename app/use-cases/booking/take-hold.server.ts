import { sql } from "kysely";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { Slot } from "../../booking/slots";
import { type BookableType, HOLD_MINUTES } from "./booking-schedule.server";

/** The Postgres error of a broken exclusion constraint: another booking took the time first. */
export function isTimeTaken(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "23P01";
}

/**
 * Holds a time for 30 minutes in `booked_time`, under a savepoint: two holders choosing the same time at once are
 * settled by the exclusion constraint, and the second is told, its transaction still usable. An expired hold
 * overlapping the time is deleted first (no job has to clear it). `holder` null is a new client on /book, known
 * only by the hold's id until the booking is confirmed; a client has one hold at a time.
 */
export async function takeHold(
  trx: PracticeTransaction,
  input: { practiceId: string; slot: Pick<Slot, "practitionerId" | "startsAt">; type: BookableType; locationId: string; holder: string | null; patientId: string | null; rescheduleOf: string | null; now: Date },
): Promise<{ ok: true; holdId: string } | { ok: false }> {
  const { slot, now } = input;
  const ends = new Date(slot.startsAt.getTime() + (input.type.durationMinutes + input.type.bufferMinutes) * 60_000);
  await sql`savepoint hold`.execute(trx);
  try {
    if (input.holder) await trx.deleteFrom("booked_time").where("client_id", "=", input.holder).where("appointment_id", "is", null).execute();
    await trx
      .deleteFrom("booked_time")
      .where("practitioner_id", "=", slot.practitionerId)
      .where("hold_expires_at", "<=", now)
      .where(sql<boolean>`during && tstzrange(${slot.startsAt}, ${ends})`)
      .execute();
    const hold = await trx
      .insertInto("booked_time")
      .values({
        practice_id: input.practiceId,
        practitioner_id: slot.practitionerId,
        during: sql<string>`tstzrange(${slot.startsAt}, ${ends})` as never,
        client_id: input.holder,
        patient_id: input.patientId,
        location_id: input.locationId,
        appointment_type_id: input.type.id,
        hold_expires_at: new Date(now.getTime() + HOLD_MINUTES * 60_000),
        reschedule_of: input.rescheduleOf,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sql`release savepoint hold`.execute(trx);
    return { ok: true, holdId: hold.id };
  } catch (error) {
    if (!isTimeTaken(error)) throw error;
    await sql`rollback to savepoint hold`.execute(trx);
    return { ok: false };
  }
}
