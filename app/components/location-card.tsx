import type { OpeningHours } from "../../db/schema";

export type LocationDetails = { id: string; name: string; address: string; phone: string | null; openingHours: OpeningHours };

/** One of the practice's locations: address, phone and opening hours. */
export function LocationCard({ location }: { location: LocationDetails }) {
  return (
    <article className="card location" aria-labelledby={`location-${location.id}`}>
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
  );
}
