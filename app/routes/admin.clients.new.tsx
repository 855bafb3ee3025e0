import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ClientForm } from "~/components/record-forms";
import { clientFormPage, saveClientForm } from "~/use-cases/admin/client-records.server";

export const meta: MetaFunction = () => [{ title: "New client · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return clientFormPage(context, request, undefined);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await saveClientForm(context, request, undefined, await request.formData());
  if (result.ok) throw redirect(`/admin/clients/${result.id}`);
  return data(result, { status: 400 });
}

export default function NewClient() {
  const { shell, page } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to="/admin/clients">← All clients</Link>
      </p>
      <h1>New client</h1>
      <p className="muted">For practices that keep their records in Portico. A client added here has no id in a practice system; add their {page.words.plural} from the client's page.</p>
      <ClientForm draft={refused?.draft ?? page.draft} errors={refused?.errors} submitLabel="Add client" />
    </AdminLayout>
  );
}
