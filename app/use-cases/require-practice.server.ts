import type { PorticoLoadContext, PracticeSite } from "../load-context";

/** Pages that exist only on a practice's own host answer 404 anywhere else. */
export function requirePracticeSite(context: PorticoLoadContext): PracticeSite {
  if (context.site.kind !== "practice") throw new Response("Not found", { status: 404 });
  return context.site;
}
