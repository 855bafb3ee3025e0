import { parseArgs } from "node:util";
import { createSupportUser, deactivateSupportUser, listSupportUsers, resetSupportUser } from "../../tenants/support-users.server";
import { publicOrigin } from "../config.server";
import { asUsage, runCli, UsageError } from "./run-cli.server";

const USAGE = `usage: npm run support-user -- <command>
  create --email <email> --name "<name>"   prints a one-time setup link (24 hours)
  reset --email <email>                    new password and authenticator: prints a new setup link
  deactivate --email <email>               ends their sessions and support access
  list`;

await runCli(async ({ config, platform }) => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { email: { type: "string" }, name: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    if (!command && !values.help) throw new UsageError("missing command");
    return;
  }
  const setupLink = (token: string) => `${publicOrigin(config, `support.${config.portalDomain}`)}/support/setup/${token}`;
  const needEmail = () => {
    if (!values.email) throw new UsageError(`'${command}' needs --email`);
    return values.email;
  };
  switch (command) {
    case "create": {
      const email = needEmail();
      if (!values.name) throw new UsageError("create needs --name");
      const { owner } = await platform();
      const token = await asUsage(createSupportUser(owner.db, { email, name: values.name }));
      process.stdout.write(`created support user ${email}\nsetup link (works once, for 24 hours; password and authenticator are both required):\n${setupLink(token)}\n`);
      return;
    }
    case "reset": {
      const { owner } = await platform();
      const token = await asUsage(resetSupportUser(owner.db, needEmail()));
      process.stdout.write(`reset ${values.email}; new setup link:\n${setupLink(token)}\n`);
      return;
    }
    case "deactivate": {
      const { owner } = await platform();
      await asUsage(deactivateSupportUser(owner.db, needEmail()));
      process.stdout.write(`deactivated ${values.email}\n`);
      return;
    }
    case "list": {
      const { owner } = await platform();
      for (const user of await listSupportUsers(owner.db)) {
        process.stdout.write(`${user.email.padEnd(40)} ${(user.active ? (user.setUp ? "active" : "awaiting setup") : "deactivated").padEnd(15)} ${user.name}\n`);
      }
      return;
    }
    default:
      throw new UsageError(`unknown command '${command}'\n${USAGE}`);
  }
});
