import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { parseHost } from "./host";
import { PRACTICE_COLUMNS, type Practice } from "./practice";

export type PracticeDirectory = { find(query: string): Promise<Practice[]> };

/** What a visitor typed, read as a practice address if it looks like one. */
function subdomainFrom(query: string, portalDomain: string): string | undefined {
  const withoutScheme = query.replace(/^[a-z]+:\/\//i, "").split(/[/?#]/)[0] ?? "";
  const target = parseHost(withoutScheme, portalDomain);
  if (target.kind === "practice") return target.subdomain;
  if (/^[a-z0-9-]{3,63}$/i.test(withoutScheme)) return withoutScheme.toLowerCase();
  return undefined;
}

/**
 * "Find your practice": an exact address or an exact name (case and spacing ignored). Never a partial match, so
 * the landing page cannot be used to list the practices on the platform.
 */
export function practiceDirectory(db: Kysely<Database>, portalDomain: string): PracticeDirectory {
  return {
    async find(rawQuery) {
      const query = rawQuery.trim().replace(/\s+/g, " ").slice(0, 200);
      if (query.length < 3) return [];
      const subdomain = subdomainFrom(query, portalDomain);
      return db
        .selectFrom("platform.practices")
        .select(PRACTICE_COLUMNS)
        .where((eb) => {
          const byName = eb(eb.fn("lower", ["name"]), "=", query.toLowerCase());
          return subdomain ? eb.or([eb("subdomain", "=", subdomain), byName]) : byName;
        })
        .orderBy("name")
        .limit(5)
        .execute();
    },
  };
}
