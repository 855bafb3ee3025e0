import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { PetPhoto } from "~/components/pet-photo";
import { getPets } from "~/use-cases/portal/get-pets.server";
import { PAGE_AREA } from "~/visibility/portal-rules";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.shell.patientsLabel ?? "Home"} · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getPets(context, request);
}

export default function PetsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const vet = shell.practiceKind === "veterinary";
  // A linked person sees only the facts their rights cover: a missing row, not "None booked" or "Nothing overdue".
  const shows = { appointments: shell.viewing.areas[PAGE_AREA.appointments], reminders: shell.viewing.areas[PAGE_AREA.reminders] };
  return (
    <PortalLayout shell={shell}>
      <h1>{vet ? "Your pets" : "Your family"}</h1>
      {page.pets.length === 0 ? (
        <EmptyState>No {vet ? "pets" : "family members"} are listed for you yet. If that looks wrong, please contact the practice.</EmptyState>
      ) : (
        <ul className="pet-grid">
          {page.pets.map((pet) => (
            <li key={pet.id} className="card pet-card">
              <PetPhoto patientId={pet.id} name={pet.name} version={pet.photoVersion} />
              <div className="pet-card__body">
                <h2>{pet.name}</h2>
                <p className="muted">{[pet.species, pet.breed, pet.age].filter(Boolean).join(" · ")}</p>
                <dl className="facts">
                  {shows.appointments ? (
                    <>
                      <dt>Next appointment</dt>
                      <dd>{pet.nextAppointment ? `${pet.nextAppointment.when} — ${pet.nextAppointment.reason}` : "None booked"}</dd>
                    </>
                  ) : null}
                  {shows.reminders ? (
                    <>
                      <dt>Reminders</dt>
                      <dd>
                        {pet.overdueReminders > 0 ? (
                          <Link to="/reminders" className="badge badge--warning">
                            {`${pet.overdueReminders} overdue`}
                          </Link>
                        ) : (
                          "Nothing overdue"
                        )}
                      </dd>
                    </>
                  ) : null}
                  {shows.appointments ? (
                    <>
                      <dt>Last visit</dt>
                      <dd>{pet.lastVisit ?? "No visits yet"}</dd>
                    </>
                  ) : null}
                </dl>
              </div>
            </li>
          ))}
        </ul>
      )}
    </PortalLayout>
  );
}
