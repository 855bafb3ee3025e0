import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { Page } from "./components/page";
import { useNonce } from "./nonce";
import { summariseSite } from "./site-summary";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/css/portico.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Portico" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return { site: summariseSite(context.site) };
}

function Brand() {
  const data = useRouteLoaderData<typeof loader>("root");
  const site = data?.site;
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <a className="brand" href="/">
          {site?.kind === "practice" ? site.name : site?.kind === "support" ? "Portico Support" : "Portico"}
        </a>
      </div>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Brand />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

function practiceContactOf(data: unknown): { contactPhone: string | null; contactEmail: string | null } | null {
  if (typeof data !== "object" || data === null) return null;
  const { contactPhone, contactEmail } = data as Record<string, unknown>;
  return { contactPhone: typeof contactPhone === "string" ? contactPhone : null, contactEmail: typeof contactEmail === "string" ? contactEmail : null };
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page>
        <section className="status-page">
          <p className="status-page__code">404</p>
          <h1>Page not found</h1>
          <p>There is nothing at this address. Check the link, or go back to the home page.</p>
          <p>
            <a href="/">Go to the home page</a>
          </p>
        </section>
      </Page>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <Page>
        <section className="status-page">
          <p className="status-page__code">403</p>
          <h1>Not allowed</h1>
          <p>You do not have permission to open this page. Ask someone who manages staff at your practice.</p>
          <p>
            <a href="/admin">Back to administration</a>
          </p>
        </section>
      </Page>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 503) {
    const contact = practiceContactOf(error.data);
    return (
      <Page>
        <section className="status-page">
          <p className="status-page__code">503</p>
          <h1>Temporarily unavailable</h1>
          <p>{typeof error.data === "string" && error.data.length < 300 ? error.data : "This portal is temporarily unavailable. Please try again in a few minutes, or contact the practice directly."}</p>
          {contact && (contact.contactPhone || contact.contactEmail) ? (
            <ul className="status-page__contact">
              {contact.contactPhone ? <li>Phone: <a href={`tel:${contact.contactPhone.replace(/[^\d+]/g, "")}`}>{contact.contactPhone}</a></li> : null}
              {contact.contactEmail ? <li>Email: <a href={`mailto:${contact.contactEmail}`}>{contact.contactEmail}</a></li> : null}
            </ul>
          ) : null}
        </section>
      </Page>
    );
  }
  // Malformed requests (ADR 013) say what was wrong in their own words; they are never "something went wrong".
  if (isRouteErrorResponse(error) && error.status >= 400 && error.status < 500 && typeof error.data === "string" && error.data.length < 300) {
    return (
      <Page>
        <section className="status-page">
          <p className="status-page__code">{error.status}</p>
          <h1>That request could not be handled</h1>
          <p>{error.data}</p>
          <p>
            <a href="/">Go to the home page</a>
          </p>
        </section>
      </Page>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <Page>
      <section className="status-page">
        <p className="status-page__code">{status}</p>
        <h1>Something went wrong</h1>
        <p>We could not complete this request. Please try again in a moment.</p>
      </section>
    </Page>
  );
}
