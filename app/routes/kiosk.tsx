import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { kioskPage, submitIntake } from "~/use-cases/portal/kiosk.server";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Intake form" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return kioskPage(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await submitIntake(context, request, await request.formData());
  if (result.ok) throw redirect("/kiosk/done", { headers: { "Set-Cookie": result.cookie } });
  return data(result, { status: 400 });
}

export default function KioskPage() {
  const { firstName, practiceName, forms } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = result && !result.ok ? result.values : {};
  if (forms.length) {
    return (
      <Page>
        <section className="card sign-in" aria-labelledby="forms-heading">
          <h1 id="forms-heading">{`Welcome to ${practiceName}, ${firstName}`}</h1>
          <p className="muted">The practice asked you to fill in these forms. When the last one is sent, the tablet returns to the front desk.</p>
          <ul className="item-list">
            {forms.map((form) => (
              <li key={form.id}>
                <Link to={`/kiosk/forms/${form.id}`} className="button">
                  {form.patientName ? `${form.title} (${form.patientName})` : form.title}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </Page>
    );
  }
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="intake-heading">
        <h1 id="intake-heading">{`Welcome to ${practiceName}, ${firstName}`}</h1>
        <p className="muted">Please fill in this form and press Send. The tablet then returns to the front desk.</p>
        <Form method="post" className="stack">
          <FormError error={(result && !result.ok ? result.error : undefined)} />
          <label htmlFor="phone">Phone number</label>
          <input id="phone" name="phone" type="tel" required maxLength={40} defaultValue={values.phone} />
          <label htmlFor="emergencyContact">Emergency contact (name and phone)</label>
          <input id="emergencyContact" name="emergencyContact" required maxLength={200} defaultValue={values.emergencyContact} />
          <label htmlFor="reason">Why are you coming in?</label>
          <textarea id="reason" name="reason" rows={3} required maxLength={2000} defaultValue={values.reason} />
          <label htmlFor="medications">Medications you take (if any)</label>
          <textarea id="medications" name="medications" rows={2} maxLength={2000} defaultValue={values.medications} />
          <label htmlFor="allergies">Allergies (if any)</label>
          <textarea id="allergies" name="allergies" rows={2} maxLength={2000} defaultValue={values.allergies} />
          <label>
            <input type="checkbox" name="consent" required /> The information above is correct.
          </label>
          <button type="submit" className="button">
            Send
          </button>
        </Form>
      </section>
    </Page>
  );
}
