import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { PatientForm } from "~/components/record-forms";
import { patientFormPage, savePatientForm } from "~/use-cases/admin/client-records.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.page.draft.name ?? "patient"} · Administration` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return patientFormPage(context, request, { patientId: params.patientId ?? "" });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await savePatientForm(context, request, { patientId: params.patientId ?? "" }, await request.formData());
  if (result.ok) throw redirect(`/admin/clients/${result.clientId}`);
  return data(result, { status: 400 });
}

export default function EditPatient() {
  const { shell, page } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to={`/admin/clients/${page.client.id}`}>← {page.client.name}</Link>
      </p>
      <h1>
        {`Edit ${page.draft.name} `}
        <span className="muted">{`(${page.words.singular} of ${page.client.name})`}</span>
      </h1>
      <PatientForm draft={refused?.draft ?? page.draft} errors={refused?.errors} kind={page.kind} singular={page.words.singular} submitLabel={`Save ${page.words.singular}`} />
    </AdminLayout>
  );
}
