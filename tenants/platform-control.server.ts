import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import type { PracticeDatabases } from "./practice-databases.server";
import type { PlatformKeys } from "./sealed-secrets.server";

/**
 * What platform use cases (the support console and the operator CLIs) work with: the control plane as the owner
 * role, every practice's database through its scope, and the means to provision dedicated databases.
 */
export type PlatformControl = {
  db: Kysely<Database>;
  databases: PracticeDatabases;
  keys: PlatformKeys | undefined;
  /** The runtime role's password, for dedicated databases on the main database's server only. */
  appPassword: string;
  /** host:port of the main database: a dedicated database elsewhere needs its own runtime password. */
  mainServer: string;
  /** Development only: a new database on the embedded server (owner-role URL). */
  createDatabase?: (name: string) => Promise<string>;
  /** The public origin of a practice's host, for links in invitations. */
  practiceOrigin(subdomain: string): string;
};
