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
          <article key={location.id} className="card location" aria-labelledby={`location-${location.id}`}>
            <h3 id={`location-${location.id}`}>{location.name}</h3>
            <address>
              {location.address.split("\n").map((line) => (
                <span key={line} className="address-line">
                  {line}
                </span>
              ))}
            </address>
            {location.phone ? <p>Phone: {location.phone}</p> : null}
            {location.openingHours.length > 0 ? (
              <table className="hours">
                <caption>Opening hours</caption>
                <tbody>
                  {location.openingHours.map((row) => (
                    <tr key={row.days}>
                      <th scope="row">{row.days}</th>
                      <td>{row.hours}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </article>
        ))}
      </div>
    </section>
  );
}
