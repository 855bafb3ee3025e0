import { LocationCard } from "./location-card";
import type { PracticeHome } from "~/use-cases/get-practice-home.server";

export function PracticeContact({ home }: { home: PracticeHome }) {
  return (
    <section aria-labelledby="contact-heading" className="stack">
      <h2 id="contact-heading">Contact {home.name}</h2>
      <dl className="contact-list">
        {home.contact.phone ? (
          <>
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${home.contact.phone.replace(/[^\d+]/g, "")}`}>{home.contact.phone}</a>
            </dd>
          </>
        ) : null}
        {home.contact.email ? (
          <>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${home.contact.email}`}>{home.contact.email}</a>
            </dd>
          </>
        ) : null}
        {home.contact.website ? (
          <>
            <dt>Website</dt>
            <dd>
              <a href={home.contact.website} rel="noopener noreferrer">
                {home.contact.website.replace(/^https?:\/\//, "")}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <div className="location-grid">
        {home.locations.map((location) => (
          <LocationCard key={location.id} location={location} />
        ))}
      </div>
    </section>
  );
}
