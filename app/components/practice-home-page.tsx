import type { PracticeHome } from "~/use-cases/get-practice-home.server";
import { PracticeContact } from "./practice-contact";

export function PracticeHomePage({ home }: { home: PracticeHome }) {
  return (
    <>
      <section className="hero">
        <h1>{home.name}</h1>
        <p className="lead">
          {home.kind === "veterinary"
            ? "Your pets' records, prescriptions, appointments and reminders, in one secure place."
            : "Your and your family's records, appointments and treatment plans, in one secure place."}
        </p>
      </section>
      {home.portalEnabled ? null : (
        <p className="notice notice--warning" role="status">
          The online portal of {home.name} is not available at the moment. Please contact the practice directly.
        </p>
      )}
      <PracticeContact home={home} />
    </>
  );
}
