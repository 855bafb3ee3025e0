import { migrateMainDatabase } from "../../db/migrate.server";
import { seedDemo } from "../../db/seed/seed-demo.server";
import { runCli, UsageError } from "./run-cli.server";

// `setup` needs nothing beyond opening the platform database: that creates the roles (and the embedded database).
await runCli(async ({ platform }) => {
  const command = process.argv[2];
  switch (command) {
    case "setup": {
      const { targets } = await platform();
      process.stdout.write(`database ready (${targets.mode}); runtime role in place\n`);
      return;
    }
    case "migrate": {
      const { owner } = await platform();
      const applied = await migrateMainDatabase(owner.db);
      process.stdout.write(applied.length ? applied.map((name) => `applied ${name}`).join("\n") + "\n" : "already up to date\n");
      return;
    }
    case "seed": {
      const { owner } = await platform();
      await migrateMainDatabase(owner.db);
      const created = await seedDemo(owner.db);
      process.stdout.write(created.length ? `loaded ${created.join(", ")}\n` : "demo practices already present\n");
      return;
    }
    default:
      throw new UsageError("usage: db.ts setup|migrate|seed");
  }
});
