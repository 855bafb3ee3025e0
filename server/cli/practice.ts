import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import type { Practice } from "../../tenants/practice";
import { createPractice, findPractice, listPractices, PracticeInputError, setPracticeStatus } from "../../tenants/practices.server";
import { checkSubdomain } from "../../tenants/subdomain";
import { runCli, UsageError } from "./run-cli.server";

const USAGE = `usage: npm run practice -- <command>
  create --subdomain <s> --name "<name>" --kind veterinary|human [--time-zone <tz>] [--yes]
  list
  show <subdomain>
  suspend <subdomain>
  resume <subdomain>`;

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
        yes: { type: "boolean", short: "y" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

await runCli(async ({ platform }) => {
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
  const asUsage = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      if (error instanceof PracticeInputError) throw new UsageError(error.message);
      throw error;
    }
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
      const { owner } = await platform();
      const practice = await asUsage(createPractice(owner.db, { subdomain: values.subdomain, name: values.name, kind: values.kind, timeZone: values["time-zone"] ?? "UTC" }));
      process.stdout.write(`created ${practice.subdomain} (${practice.name}), id ${practice.id}\n`);
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
      const { owner } = await platform();
      const practice = await asUsage(setPracticeStatus(owner.db, needTarget(), command === "suspend" ? "suspended" : "active"));
      process.stdout.write(`${practice.subdomain} is now ${practice.status}\n`);
      return;
    }
    default:
      throw new UsageError(`unknown command '${command}'\n${USAGE}`);
  }
});
