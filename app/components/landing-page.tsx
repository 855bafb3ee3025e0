import { Form } from "@remix-run/react";
import type { PracticeSearch } from "~/use-cases/find-practice.server";

export function LandingPage({ search }: { search: PracticeSearch | undefined }) {
  return (
    <>
      <section className="hero">
        <h1>Your practice's client portal</h1>
        <p className="lead">
          Portico gives clients of veterinary hospitals, physiotherapy and chiropractic clinics and small medical practices a secure place to see what their
          practice shares with them: records, prescriptions, appointments and reminders.
        </p>
      </section>
      <section className="card" aria-labelledby="find-heading">
        <h2 id="find-heading">Find your practice</h2>
        <Form method="get" className="stack" role="search">
          <label htmlFor="q">Your practice's portal address or full name</label>
          <div className="inline-form">
            <input id="q" name="q" type="search" defaultValue={search?.query ?? ""} placeholder="e.g. happy-paws" maxLength={200} autoComplete="off" required />
            <button type="submit" className="button">
              Find
            </button>
          </div>
          <p className="muted">Your practice's address is on its emails and letters. We never list practices here.</p>
        </Form>
        {search ? <SearchResult search={search} /> : null}
      </section>
    </>
  );
}

function SearchResult({ search }: { search: PracticeSearch }) {
  if ("error" in search) {
    return (
      <p className="notice notice--warning" role="alert">
        {search.error}
      </p>
    );
  }
  if (search.results.length === 0) {
    return (
      <p className="notice" role="status">
        No practice matches “{search.query}”. Check the address on a letter or email from your practice, or ask them for it.
      </p>
    );
  }
  return (
    <ul className="result-list" aria-label="Matching practices">
      {search.results.map((result) => (
        <li key={result.url}>
          <a className="result-list__link" href={result.url}>
            <strong>{result.name}</strong>
            <span className="muted">{result.host}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
