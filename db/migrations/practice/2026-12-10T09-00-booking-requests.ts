import { type Kysely, sql } from "kysely";

/**
 * Online booking, second part (docs/decisions/021-online-booking.md): requests that staff approve or decline, new
 * clients booking from the public `/book` page, and calendar files attached to the emails that confirm a booking.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A request holds its time like an appointment (booked_time) until staff approve (confirmed) or decline it.
  await sql`alter table appointments drop constraint appointments_status_check`.execute(db);
  await sql`
    alter table appointments add constraint appointments_status_check
      check (status in ('requested', 'scheduled', 'confirmed', 'declined', 'cancelled', 'completed', 'no_show'))`.execute(db);

  await sql`alter table practice_settings drop constraint practice_settings_booking_mode_check`.execute(db);
  await sql`
    alter table practice_settings
      add constraint practice_settings_booking_mode_check check (booking_mode in ('off', 'requests', 'direct')),
      add column booking_new_clients boolean not null default false`.execute(db);

  // Which types a first-time client may book at /book (a new-patient exam, not a follow-up).
  await sql`alter table appointment_types add column bookable_new_clients boolean not null default false`.execute(db);

  // A hold made on /book belongs to nobody yet: its unguessable id, carried in the page's address, is what lets its
  // holder finish the booking. The client exists once the booking is confirmed.
  await sql`alter table booked_time alter column client_id drop not null`.execute(db);
  await sql`alter table booked_time add constraint booked_time_owner_check check (client_id is not null or hold_expires_at is not null)`.execute(db);

  // Small files sent with a message (an appointment's .ics), removed with the body once delivered.
  await sql`alter table mail.outbox add column attachments jsonb check (attachments is null or jsonb_typeof(attachments) = 'array')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table mail.outbox drop column attachments`.execute(db);
  await sql`delete from booked_time where client_id is null`.execute(db);
  await sql`alter table booked_time drop constraint booked_time_owner_check`.execute(db);
  await sql`alter table booked_time alter column client_id set not null`.execute(db);
  await sql`alter table appointment_types drop column bookable_new_clients`.execute(db);
  await sql`alter table practice_settings drop constraint practice_settings_booking_mode_check, drop column booking_new_clients`.execute(db);
  await sql`update practice_settings set booking_mode = 'direct' where booking_mode = 'requests'`.execute(db);
  await sql`alter table practice_settings add constraint practice_settings_booking_mode_check check (booking_mode in ('off', 'direct'))`.execute(db);
  await sql`update appointments set status = 'cancelled' where status in ('requested', 'declined')`.execute(db);
  await sql`alter table appointments drop constraint appointments_status_check`.execute(db);
  await sql`alter table appointments add constraint appointments_status_check check (status in ('scheduled', 'confirmed', 'cancelled', 'completed', 'no_show'))`.execute(db);
}
