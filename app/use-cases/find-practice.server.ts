import { z } from "zod";
import type { Site } from "../load-context";

export type FoundPractice = { name: string; url: string; host: string };
export type PracticeSearch = { query: string; results: FoundPractice[] } | { query: string; error: string };

const querySchema = z.string().trim().max(200, "Please type at most 200 characters.");

/** "Find your practice" on the landing page: exact address or exact name only (see tenants/find-practice.server.ts). */
export async function findPracticeForVisitor(site: Extract<Site, { kind: "landing" }>, rawQuery: string | null): Promise<PracticeSearch | undefined> {
  if (rawQuery === null) return undefined;
  const parsed = querySchema.safeParse(rawQuery);
  if (!parsed.success) return { query: rawQuery.slice(0, 200), error: parsed.error.issues[0]?.message ?? "Invalid search." };
  if (parsed.data.length < 3) return { query: parsed.data, error: "Please type your practice's web address or its full name." };
  const practices = await site.directory.find(parsed.data);
  return {
    query: parsed.data,
    results: practices.map((practice) => {
      const url = site.practiceOrigin(practice.subdomain);
      return { name: practice.name, url, host: new URL(url).host };
    }),
  };
}
