import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ClientForm } from "~/components/record-forms";
import { clientFormPage, saveClientForm } from "~/use-cases/admin/client-records.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.page.name ?? "client"} · Administration` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return clientFormPage(context, request, params.clientId ?? "");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await saveClientForm(context, request, params.clientId ?? "", await request.formData());
  if (result.ok) throw redirect(`/admin/clients/${result.id}`);
  return data(result, { status: 400 });
}

export default function EditClient() {
  const { shell, page } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to={`/admin/clients/${page.clientId}`}>← {page.name}</Link>
      </p>
      <h1>Edit {page.name}</h1>
      <ClientForm draft={refused?.draft ?? page.draft} errors={refused?.errors} submitLabel="Save client" />
    </AdminLayout>
  );
}
