import type { OpeningHours } from "../../db/schema";
import { clientSessions } from "../../server/auth/client-session.server";
import { offersMagicLink, offersPassword } from "./client-accounts.server";
import type { PorticoLoadContext, PracticeSite } from "../load-context";

export type PracticeHome = {
  name: string;
  kind: "veterinary" | "human";
  portalEnabled: boolean;
  signIn: { magicLink: boolean; password: boolean };
  /** The practice takes first visits online at /book. */
  newClientBooking: boolean;
  contact: { phone: string | null; email: string | null; website: string | null };
  locations: { id: string; name: string; address: string; phone: string | null; email: string | null; openingHours: OpeningHours }[];
};

/**
 * The public face of a practice: its name, how to reach it and where it is, plus whether this visitor is already
 * signed in (then the page sends them on). One transaction.
 */
export async function getPracticeHome(context: PorticoLoadContext & { site: PracticeSite }, request: Request): Promise<{ home: PracticeHome; signedIn: boolean }> {
  const { site } = context;
  return site.withPractice(async (trx) => {
    const cookie = request.headers.get("cookie");
    const signedIn = cookie ? (await clientSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now }).validate(cookie)) !== null : false;
    const settings = await trx.selectFrom("practice_settings").select(["portal_enabled", "phone", "email", "website", "sign_in_methods", "booking_mode", "booking_new_clients"]).executeTakeFirst();
    const locations = await trx
      .selectFrom("locations")
      .select(["id", "name", "address", "phone", "email", "opening_hours"])
      .where("active", "=", true)
      .orderBy("position")
      .orderBy("name")
      .execute();
    const home: PracticeHome = {
      name: site.practice.name,
      kind: site.practice.kind,
      portalEnabled: settings?.portal_enabled ?? false,
      signIn: { magicLink: offersMagicLink(settings?.sign_in_methods ?? "magic_link"), password: offersPassword(settings?.sign_in_methods ?? "magic_link") },
      newClientBooking: Boolean(settings?.portal_enabled && settings.booking_mode !== "off" && settings.booking_new_clients),
      contact: { phone: settings?.phone ?? null, email: settings?.email ?? null, website: settings?.website ?? null },
      locations: locations.map((location) => ({
        id: location.id,
        name: location.name,
        address: location.address,
        phone: location.phone,
        email: location.email,
        openingHours: location.opening_hours,
      })),
    };
    return { home, signedIn };
  });
}
