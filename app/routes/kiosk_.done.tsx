import type { MetaFunction } from "@remix-run/node";
import { Page } from "~/components/page";

export const meta: MetaFunction = () => [{ title: "Thank you" }, { name: "robots", content: "noindex" }];

export default function KioskDone() {
  return (
    <Page>
      <section className="card sign-in" role="status">
        <h1>Thank you</h1>
        <p>Your form is with the practice. Please hand the tablet back to the front desk.</p>
      </section>
    </Page>
  );
}
