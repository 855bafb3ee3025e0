import { migrateMainDatabase } from "../../db/migrate.server";
import { seedDemo } from "../../db/seed/seed-demo.server";
import { migrateDedicatedDatabases, resealPlacements } from "../../tenants/dedicated-databases.server";
import { movePhotosEverywhere } from "../files/move-photos.server";
import { openFileStore } from "../files/open-file-store.server";
import { practiceFiles } from "../files/practice-files.server";
import { platformKeys } from "../platform-keys.server";
import { resealWebhookSecrets } from "../webhooks/reseal-secrets.server";
import { embeddedDemoPlacer, followEmbeddedPlacements } from "../platform.server";
import { runCli, UsageError } from "./run-cli.server";

// `setup` needs nothing beyond opening the platform database: that creates the roles (and the embedded database).
await runCli(async ({ config, platform }) => {
  const command = process.argv[2];
  switch (command) {
    case "setup": {
      const { targets } = await platform();
      process.stdout.write(`database ready (${targets.mode}); runtime role in place\n`);
      return;
    }
    case "migrate": {
      // The control plane and the shared database first; then every dedicated database, a few at a time. The exit
      // code says whether every database is now at the code's schema version.
      const platformDatabase = await platform();
      const { owner } = platformDatabase;
      const keys = await platformKeys(config);
      const applied = await migrateMainDatabase(owner.db);
      process.stdout.write(`main database: ok, ${applied.length ? `applied ${applied.join(", ")}` : "already up to date"}\n`);
      await followEmbeddedPlacements(platformDatabase, keys, (message) => process.stdout.write(`${message}\n`));
      const reports = await migrateDedicatedDatabases(owner.db, keys);
      for (const report of reports) {
        const who = report.practices.length ? report.practices.join(", ") : "no practice";
        const what = report.ok ? `ok, ${report.applied.length ? `applied ${report.applied.join(", ")}` : "already up to date"}` : `FAILED: ${report.error}`;
        process.stdout.write(`dedicated ${report.location} (${who}): ${what}\n`);
      }
      const failed = reports.filter((report) => !report.ok).length;
      process.stdout.write(`${reports.length + 1} database(s), ${failed} failed\n`);
      // Photos still in the database move to the file store (ADR 014); the server does the same at every start.
      const files = practiceFiles(await openFileStore(config, (message) => process.stderr.write(`${message}\n`)), keys);
      const moves = await movePhotosEverywhere(owner.db, keys, files);
      for (const move of moves) process.stdout.write(`photos in ${move.database}: ${move.skipped ? `not moved: ${move.skipped}` : move.ok ? `${move.moved} moved to the file store` : `NOT MOVED: ${move.error}`}\n`);
      if (failed > 0 || moves.some((move) => !move.ok)) process.exitCode = 1;
      return;
    }
    case "seed": {
      const platformDatabase = await platform();
      const keys = await platformKeys(config);
      await migrateMainDatabase(platformDatabase.owner.db);
      const created = await seedDemo(platformDatabase.owner.db, embeddedDemoPlacer(platformDatabase, keys));
      process.stdout.write(created.length ? `loaded ${created.join(", ")}\n` : "demo practices already present\n");
      return;
    }
    case "rotate-key": {
      const keys = await platformKeys(config);
      if (!keys?.previous) throw new UsageError("set PLATFORM_ENCRYPTION_KEY to the new key and PLATFORM_ENCRYPTION_KEY_PREVIOUS to the old one");
      const { owner } = await platform();
      const count = await resealPlacements(owner.db, keys);
      const secrets = await resealWebhookSecrets(owner.db, keys);
      process.stdout.write(`resealed ${count} placement(s) and ${secrets} webhook signing secret(s) under the new key; PLATFORM_ENCRYPTION_KEY_PREVIOUS can be removed\n`);
      return;
    }
    default:
      throw new UsageError("usage: db.ts setup|migrate|seed|rotate-key");
  }
});
