import type { PorticoLoadContext } from "../load-context";
import { withSignedInClient } from "./client-session.server";

export type ClientHome = {
  client: { firstName: string; lastName: string };
  practiceKind: "veterinary" | "human";
  patients: { id: string; name: string; species: string | null; breed: string | null; dateOfBirth: string | null }[];
};

/** The signed-in client's landing page: their active patients (never inactive or deceased ones). */
export async function getClientHome(context: PorticoLoadContext, request: Request): Promise<ClientHome> {
  return withSignedInClient(context, request, async ({ trx, client }) => {
    const patients = await trx
      .selectFrom("patients")
      .select(["id", "name", "species", "breed", "date_of_birth"])
      .where("client_id", "=", client.id)
      .where("status", "=", "active")
      .orderBy("name")
      .execute();
    return {
      client: { firstName: client.firstName, lastName: client.lastName },
      practiceKind: context.site.kind === "practice" ? context.site.practice.kind : "veterinary",
      patients: patients.map((p) => ({ id: p.id, name: p.name, species: p.species, breed: p.breed, dateOfBirth: p.date_of_birth })),
    };
  });
}
