import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import type { Practice } from "../../tenants/practice";
import { connect, type Connection } from "../../db/connection.server";
import { PlacementError, replacePlacementCredentials } from "../../tenants/dedicated-databases.server";
import { recordPlatformAudit } from "../../tenants/platform-audit.server";
import { changePracticeStatus, createPracticeOnPlatform } from "../../tenants/platform-practices.server";
import type { PlatformControl } from "../../tenants/platform-control.server";
import { PracticeDatabases } from "../../tenants/practice-databases.server";
import { findPractice, listPractices } from "../../tenants/practices.server";
import { platformKeys } from "../platform-keys.server";
import { platformControl } from "../platform.server";
import { checkSubdomain } from "../../tenants/subdomain";
import { openFileStore } from "../files/open-file-store.server";
import { practiceFiles } from "../files/practice-files.server";
import { exportCommand, importCommand, importFileSize } from "./practice-data.server";
import { asUsage, runCli, UsageError } from "./run-cli.server";

const USAGE = `usage: npm run practice -- <command>
  create --subdomain <s> --name "<name>" --kind veterinary|human [--time-zone <tz>]
         [--dedicated --database-url <owner url> [--runtime-password <p>] | --dedicated --new-database (development)]
         (--runtime-password: the password of portico_app on a server other than the main database's)
         [--owner-name "<name>" --owner-email <email>] [--yes]
  list
  show <subdomain>
  suspend <subdomain>
  resume <subdomain>
  set-database-url <subdomain> --database-url <owner url> [--runtime-password <p>]   new credentials for a dedicated database
  import --subdomain <s> --file <data.ndjson>   one resource a line, as the API's PUT bodies with "type" and "external_id"
  export --subdomain <s> --out <new directory | new file.zip>   every row of the practice as NDJSON, one file a table, and its files`;

function row(practice: Practice): string {
  return [practice.subdomain.padEnd(24), practice.status.padEnd(10), practice.kind.padEnd(11), practice.deployment.padEnd(10), practice.name].join(" ");
}

async function confirm(subdomain: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError("refusing to create a practice without confirmation: add --yes");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`The subdomain '${subdomain}' is permanent: it can never be changed. Create the practice? [y/N] `);
    return answer.trim().toLowerCase() === "y" || answer.trim().toLowerCase() === "yes";
  } finally {
    rl.close();
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        subdomain: { type: "string" },
        name: { type: "string" },
        kind: { type: "string" },
        "time-zone": { type: "string" },
        dedicated: { type: "boolean" },
        "database-url": { type: "string" },
        "runtime-password": { type: "string" },
        "new-database": { type: "boolean" },
        "owner-name": { type: "string" },
        "owner-email": { type: "string" },
        file: { type: "string" },
        out: { type: "string" },
        yes: { type: "boolean", short: "y" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

let databases: PracticeDatabases | undefined;
let runtime: Connection | undefined;

async function practiceCommand({ config, platform }: Parameters<Parameters<typeof runCli>[0]>[0]): Promise<void> {
  // The same platform use cases as the support console; practice databases are reached as the owner role here.
  const control = async (): Promise<PlatformControl> => {
    const opened = await platform();
    const keys = await platformKeys(config);
    // The shared scope uses the runtime role, like the server: row-level security holds even if DATABASE_URL's role could bypass it.
    runtime ??= connect(opened.targets.appUrl, { max: 2, applicationName: "portico-cli" });
    databases ??= new PracticeDatabases(runtime.db, { shared: runtime.db, keys, maxConnections: 1, maxDatabases: 4 });
    return platformControl(config, opened, keys, databases);
  };
  const { values, positionals } = parse(process.argv.slice(2));
  const [command, target, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    if (!command && !values.help) throw new UsageError("missing command");
    return;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const needTarget = () => {
    if (!target) throw new UsageError(`'${command}' needs a subdomain`);
    return target;
  };

  switch (command) {
    case "create": {
      if (!values.subdomain || !values.name || !values.kind) throw new UsageError("create needs --subdomain, --name and --kind");
      // Validate before touching the database, so a typo answers at once.
      const check = checkSubdomain(values.subdomain);
      if (!check.ok) throw new UsageError(check.message);
      if (values.kind !== "veterinary" && values.kind !== "human") throw new UsageError("The kind must be 'veterinary' or 'human'.");
      if (!values.yes) {
        process.stdout.write(`Note: the subdomain '${values.subdomain}' can never be changed once the practice exists.\n`);
        if (!(await confirm(values.subdomain))) {
          process.stdout.write("Nothing created.\n");
          return;
        }
      }
      const practice = await asUsage(
        createPracticeOnPlatform(
          await control(),
          {
            subdomain: values.subdomain,
            name: values.name,
            kind: values.kind,
            timeZone: values["time-zone"] ?? "UTC",
            deployment: values.dedicated ? "dedicated" : "shared",
            databaseUrl: values["database-url"],
            runtimePassword: values["runtime-password"],
            newDatabase: values["new-database"] ?? false,
            ownerName: values["owner-name"],
            ownerEmail: values["owner-email"],
          },
          { supportUserId: null },
        ),
      );
      process.stdout.write(`created ${practice.subdomain} (${practice.name}, ${practice.deployment}), id ${practice.id}\n`);
      return;
    }
    case "list": {
      const { owner } = await platform();
      for (const practice of await listPractices(owner.db)) process.stdout.write(`${row(practice)}\n`);
      return;
    }
    case "show": {
      const { owner } = await platform();
      const practice = await findPractice(owner.db, needTarget());
      if (!practice) throw new UsageError(`No practice has the subdomain '${target}'.`);
      process.stdout.write(
        Object.entries({ ...practice, createdAt: practice.createdAt.toISOString() })
          .map(([key, value]) => `${key.padEnd(11)} ${String(value)}`)
          .join("\n") + "\n",
      );
      return;
    }
    case "suspend":
    case "resume": {
      const practice = await asUsage(changePracticeStatus(await control(), needTarget(), command === "suspend" ? "suspended" : "active", { supportUserId: null }));
      process.stdout.write(`${practice.subdomain} is now ${practice.status}${practice.sessionsEnded ? "; every session has ended" : ""}\n`);
      return;
    }
    case "set-database-url": {
      if (!values["database-url"]) throw new UsageError("set-database-url needs --database-url");
      const platformControl = await control();
      const practice = await findPractice(platformControl.db, needTarget());
      if (!practice) throw new UsageError(`No practice has the subdomain '${target}'.`);
      if (!practice.placementId) throw new UsageError(`${practice.subdomain} is in the shared database.`);
      try {
        await replacePlacementCredentials(platformControl.db, platformControl.keys, practice.placementId, {
          ownerUrl: values["database-url"],
          mainServer: platformControl.mainServer,
          mainAppPassword: platformControl.appPassword,
          ...(values["runtime-password"] ? { runtimePassword: values["runtime-password"] } : {}),
        });
      } catch (error) {
        if (error instanceof PlacementError) throw new UsageError(error.message);
        throw error;
      }
      await recordPlatformAudit(platformControl.db, { supportUserId: null, action: "placement.credentials_replaced", practiceId: practice.id });
      process.stdout.write(`${practice.subdomain}: new database credentials sealed; servers use them for new connections\n`);
      return;
    }
    case "import": {
      if (!values.subdomain || !values.file) throw new UsageError("import needs --subdomain and --file");
      // The file is checked before any database work, so a typo answers at once.
      await importFileSize(values.file);
      const { owner } = await platform();
      await control();
      const practice = await findPractice(owner.db, values.subdomain);
      if (!practice) throw new UsageError(`No practice has the subdomain '${values.subdomain}'.`);
      await importCommand({ practice, scope: databases!.scope(practice), file: values.file, out: process.stdout, err: process.stderr });
      return;
    }
    case "export": {
      if (!values.subdomain || !values.out) throw new UsageError("export needs --subdomain and --out");
      const { owner } = await platform();
      await control();
      const practice = await findPractice(owner.db, values.subdomain);
      if (!practice) throw new UsageError(`No practice has the subdomain '${values.subdomain}'.`);
      const keys = await platformKeys(config);
      const files = practiceFiles(await openFileStore(config, (message) => process.stderr.write(`warning: ${message}\n`)), keys);
      await exportCommand({ practice, scope: databases!.scope(practice), files, out: values.out, stdout: process.stdout });
      return;
    }
    default:
      throw new UsageError(`unknown command '${command}'\n${USAGE}`);
  }
}

await runCli(async (context) => {
  try {
    await practiceCommand(context);
  } finally {
    await databases?.close();
    await runtime?.close();
  }
});
