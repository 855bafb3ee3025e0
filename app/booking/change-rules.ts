import type { AppointmentStatus } from "../../db/schema";

/**
 * Whether a client may cancel or move an upcoming appointment themselves: only one booked in Portico, online or by
 * staff for them (`bookedOnline`: its time is Portico's to give back; an appointment the practice system made is
 * changed there, by phone), only while it is
 * still requested, scheduled or confirmed, and only before the practice's cancellation window (e.g. 24 hours before) begins.
 * Inside the window the client is told to call.
 */
export type OnlineChange = "allowed" | "too_late" | "by_phone";

export function onlineChange(appointment: { status: AppointmentStatus; startsAt: Date; bookedOnline: boolean }, now: Date, windowHours: number): OnlineChange {
  if (!appointment.bookedOnline || !["requested", "scheduled", "confirmed"].includes(appointment.status) || appointment.startsAt <= now) return "by_phone";
  return appointment.startsAt.getTime() - now.getTime() > windowHours * 3_600_000 ? "allowed" : "too_late";
}
