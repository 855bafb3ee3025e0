import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { getClientHome } from "~/use-cases/get-client-home.server";

export const meta: MetaFunction = () => [{ title: "Your portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getClientHome(context, request);
}

export default function ClientHomePage() {
  const { client, patients, practiceKind } = useLoaderData<typeof loader>();
  const heading = practiceKind === "veterinary" ? "Your pets" : "Your family";
  return (
    <>
      <div className="page-bar">
        <p>
          Signed in as <strong>{`${client.firstName} ${client.lastName}`}</strong>
        </p>
        <Form method="post" action="/sign-out">
          <button type="submit" className="button button--secondary">
            Sign out
          </button>
        </Form>
      </div>
      <h1>{heading}</h1>
      {patients.length === 0 ? (
        <p className="notice">No {practiceKind === "veterinary" ? "pets" : "family members"} are listed for you yet. Please contact the practice.</p>
      ) : (
        <ul className="patient-list">
          {patients.map((patient) => (
            <li key={patient.id} className="card">
              <h2>{patient.name}</h2>
              {patient.species ? <p className="muted">{[patient.species, patient.breed].filter(Boolean).join(" · ")}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
