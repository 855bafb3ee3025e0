import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { listReminders, type ReminderItem } from "~/use-cases/portal/reminders.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Reminders · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listReminders(context, request);
}

function ReminderList({ items, overdue }: { items: ReminderItem[]; overdue: boolean }) {
  return (
    <ul className="item-list">
      {items.map((reminder) => (
        <li key={reminder.id} className={`card reminder${overdue ? " reminder--overdue" : ""}`}>
          <h3>{reminder.description}</h3>
          <p>
            {reminder.patientName} · {overdue ? "was due" : "due"} {reminder.dueOn}
          </p>
        </li>
      ))}
    </ul>
  );
}

export default function RemindersPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Reminders</h1>
      <section aria-labelledby="overdue-heading">
        <h2 id="overdue-heading">Overdue</h2>
        {page.overdue.length === 0 ? <EmptyState>Nothing is overdue.</EmptyState> : <ReminderList items={page.overdue} overdue />}
      </section>
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Coming up</h2>
        {page.upcoming.length === 0 ? <EmptyState>No upcoming reminders.</EmptyState> : <ReminderList items={page.upcoming} overdue={false} />}
      </section>
      <p className="muted">To book what a reminder is about, please contact the practice.</p>
    </PortalLayout>
  );
}
