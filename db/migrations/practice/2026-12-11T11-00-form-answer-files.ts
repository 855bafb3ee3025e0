import { type Kysely, sql } from "kysely";

/** Files clients give with a form: an uploaded document or photo, or a drawn signature (docs/decisions/022-smart-forms.md). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table files drop constraint files_purpose_check`.execute(db);
  await sql`alter table files add constraint files_purpose_check check (purpose in ('patient_photo', 'document_file', 'form_answer'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from files where purpose = 'form_answer'`.execute(db);
  await sql`alter table files drop constraint files_purpose_check`.execute(db);
  await sql`alter table files add constraint files_purpose_check check (purpose in ('patient_photo', 'document_file'))`.execute(db);
}
