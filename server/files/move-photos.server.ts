import { Readable } from "node:stream";
import { type Kysely, sql } from "kysely";
import { connect } from "../../db/connection.server";
import type { Database } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { openPlacementUrl, placementLocation } from "../../tenants/dedicated-databases.server";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import type { PracticeFiles } from "./practice-files.server";

/**
 * Moves photos whose bytes are still in `patient_photos.content` into the file store, practice by practice, in
 * every database. A migration cannot do this (migrations never import application code, and the store and the keys
 * are application code), so the server runs it after migrating at every start, and so does `npm run db:migrate`.
 * It is idempotent and safe to run on several instances at once: rows are taken with `for update skip locked`, a
 * batch at a time, each batch in its own transaction. docs/decisions/014-file-store.md.
 */

/** `skipped`: nothing was tried, and that is not a failure (production without keys serves photos from their rows). */
export type PhotoMoveReport = { database: string; practices: number; moved: number; ok: boolean; error?: string; skipped?: string };

const BATCH = 20;

/** The given practices' photos in one database, which `db` reaches as a role that may update them. */
export async function movePhotosInDatabase(db: Kysely<Database>, practiceIds: string[], files: PracticeFiles): Promise<number> {
  let moved = 0;
  for (const id of practiceIds) {
    for (;;) {
      const { count, discards } = await withPractice(db, { id }, async (trx) => {
        const rows = await trx
          .selectFrom("patient_photos")
          .select(["patient_id", "content", "content_type", "file_id"])
          .where("content", "is not", null)
          .limit(BATCH)
          .forUpdate()
          .skipLocked()
          .execute();
        const discards: (() => Promise<void>)[] = [];
        for (const row of rows) {
          const file = await files.storeFile(trx, { id }, Readable.from([row.content!]), { purpose: "patient_photo", contentType: row.content_type, createdBy: { type: "system", id: null } });
          await trx.updateTable("patient_photos").set({ content: null, file_id: file.id }).where("patient_id", "=", row.patient_id).execute();
          // A row written by the previous version over a moved photo: its old file is replaced by this one.
          if (row.file_id) discards.push(await files.removeFile(trx, { id }, row.file_id));
        }
        return { count: rows.length, discards };
      });
      for (const discard of discards) await discard();
      moved += count;
      if (count < BATCH) break;
    }
  }
  return moved;
}

/**
 * Every practice's photos: shared practices through `platformDb` (the main database's owner), dedicated ones through
 * their own database's owner credentials. A database that fails is reported and the others carry on; its photos
 * keep being served from their rows until a later run moves them.
 */
export async function movePhotosEverywhere(platformDb: Kysely<Database>, keys: PlatformKeys | undefined, files: PracticeFiles): Promise<PhotoMoveReport[]> {
  if (!keys) return [{ database: "every database", practices: 0, moved: 0, ok: true, skipped: "PLATFORM_ENCRYPTION_KEY is not set: photos stay in the database, and new ones cannot be stored" }];
  const reports: PhotoMoveReport[] = [];
  const shared = await platformDb.selectFrom("platform.practices").select("id").where("placement_id", "is", null).execute();
  const sharedIds = shared.map((p) => p.id);
  try {
    reports.push({ database: "main", practices: sharedIds.length, moved: await movePhotosInDatabase(platformDb, sharedIds, files), ok: true });
  } catch (error) {
    reports.push({ database: "main", practices: sharedIds.length, moved: 0, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
  const placements = await platformDb
    .selectFrom("platform.database_placements as d")
    .innerJoin("platform.practices as p", "p.placement_id", "d.id")
    .select(["d.id", "d.owner_url_sealed", sql<string[]>`array_agg(p.id)`.as("practice_ids")])
    .groupBy("d.id")
    .orderBy("d.location")
    .execute();
  for (const placement of placements) {
    let database = placement.id;
    try {
      const url = openPlacementUrl(keys, placement, "owner");
      database = placementLocation(url);
      const owner = connect(url, { max: 1, applicationName: "portico-move-photos", connectTimeoutSeconds: 5 });
      try {
        reports.push({ database, practices: placement.practice_ids.length, moved: await movePhotosInDatabase(owner.db, placement.practice_ids, files), ok: true });
      } finally {
        await owner.close();
      }
    } catch (error) {
      reports.push({ database, practices: placement.practice_ids.length, moved: 0, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return reports;
}
