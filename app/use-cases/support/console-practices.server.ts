import { z } from "zod";
import {
  addLocation,
  changePracticeStatus,
  createPracticeOnPlatform,
  listPracticesForConsole,
  openSupportAccess,
  practiceDetailForConsole,
  subdomainAvailability,
} from "../../../tenants/platform-practices.server";
import { PracticeInputError } from "../../../tenants/practices.server";
import type { PorticoLoadContext } from "../../load-context";
import { requireSupportUser } from "./support-auth.server";

/** The support console's pages, each a thin shell over the platform use cases the CLI shares. */

export async function consolePracticeList(context: PorticoLoadContext, request: Request) {
  const user = await requireSupportUser(context, request);
  const search = new URL(request.url).searchParams.get("q") ?? "";
  const { practices, more } = await listPracticesForConsole(user.site.control, search);
  return {
    user: { name: user.name },
    search,
    more,
    practices: practices.map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), address: user.site.control.practiceOrigin(p.subdomain) })),
  };
}

export async function consoleSubdomainCheck(context: PorticoLoadContext, request: Request) {
  const user = await requireSupportUser(context, request);
  const raw = (new URL(request.url).searchParams.get("subdomain") ?? "").slice(0, 100);
  const availability = await subdomainAvailability(user.site.control.db, raw);
  return { ...availability, address: availability.available ? user.site.control.practiceOrigin(availability.subdomain) : null };
}

export async function consoleNewPractice(context: PorticoLoadContext, request: Request) {
  const user = await requireSupportUser(context, request);
  return { user: { name: user.name }, canCreateDatabase: Boolean(user.site.control.createDatabase), exampleAddress: user.site.control.practiceOrigin("example-clinic") };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export type CreateResult = { ok: true; subdomain: string } | { ok: false; field: string; error: string };

export async function consoleCreatePractice(context: PorticoLoadContext, request: Request, form: FormData): Promise<CreateResult> {
  const user = await requireSupportUser(context, request);
  if (form.get("confirmPermanent") !== "on") return { ok: false, field: "confirmPermanent", error: "Confirm that the subdomain can never be changed." };
  const deployment = text(form, "deployment");
  const dedicatedSource = text(form, "databaseSource");
  try {
    const practice = await createPracticeOnPlatform(
      user.site.control,
      {
        subdomain: text(form, "subdomain"),
        name: text(form, "name"),
        kind: text(form, "kind") as "veterinary",
        timeZone: text(form, "timeZone"),
        deployment: deployment as "shared",
        databaseUrl: deployment === "dedicated" && dedicatedSource === "url" ? text(form, "databaseUrl") : "",
        newDatabase: deployment === "dedicated" && dedicatedSource === "new",
        runtimePassword: deployment === "dedicated" && dedicatedSource === "url" ? text(form, "runtimePassword") : "",
        ownerName: text(form, "ownerName"),
        ownerEmail: text(form, "ownerEmail"),
        location: { name: text(form, "locationName") || text(form, "name"), address: text(form, "locationAddress"), phone: text(form, "locationPhone") },
      },
      { supportUserId: user.id, ip: context.visitor.ip, userAgent: context.visitor.userAgent },
    );
    return { ok: true, subdomain: practice.subdomain };
  } catch (error) {
    if (error instanceof PracticeInputError) return { ok: false, field: error.field, error: error.message };
    throw error;
  }
}

export async function consolePracticeDetail(context: PorticoLoadContext, request: Request, subdomain: string) {
  const user = await requireSupportUser(context, request);
  const detail = await practiceDetailForConsole(user.site.control, subdomain);
  if (!detail) throw new Response("No such practice", { status: 404 });
  return {
    user: { name: user.name },
    address: user.site.control.practiceOrigin(detail.practice.subdomain),
    practice: { ...detail.practice, createdAt: detail.practice.createdAt.toISOString() },
    locations: detail.locations,
    accesses: detail.accesses.map((a) => ({ ...a, createdAt: a.createdAt.toISOString(), expiresAt: a.expiresAt.toISOString(), endedAt: a.endedAt?.toISOString() ?? null })),
  };
}

const intentSchema = z.enum(["suspend", "resume", "access", "add-location"]);

export type PracticeActionResult = { ok: true; message: string } | { ok: false; error: string } | { ok: true; redirectTo: string };

export async function consolePracticeAction(context: PorticoLoadContext, request: Request, subdomain: string, form: FormData): Promise<PracticeActionResult> {
  const user = await requireSupportUser(context, request);
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success) return { ok: false, error: "Unknown action." };
  const actor = { supportUserId: user.id, ip: context.visitor.ip, userAgent: context.visitor.userAgent };
  try {
    if (intent.data === "add-location") {
      const added = await addLocation(
        user.site.control,
        subdomain,
        { name: text(form, "name"), address: text(form, "address"), phone: text(form, "phone"), timeZone: text(form, "timeZone"), openingHours: text(form, "openingHours") },
        actor,
      );
      return { ok: true, message: `Location added: the practice now has ${added.locations}.` };
    }
    if (intent.data === "access") {
      const url = await openSupportAccess(user.site.control, { subdomain, reason: form.get("reason"), supportUser: user, ip: actor.ip, userAgent: actor.userAgent });
      return { ok: true, redirectTo: url };
    }
    const practice = await changePracticeStatus(user.site.control, subdomain, intent.data === "suspend" ? "suspended" : "active", actor);
    return {
      ok: true,
      message:
        practice.status === "suspended"
          ? `${practice.name} is suspended: its portal and admin answer "temporarily unavailable"${practice.sessionsEnded ? " and every session has ended" : ""}.`
          : `${practice.name} is active again.`,
    };
  } catch (error) {
    if (error instanceof PracticeInputError) return { ok: false, error: error.message };
    throw error;
  }
}
