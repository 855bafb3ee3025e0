import { Form, NavLink } from "@remix-run/react";

/** The bar under the practice's name: section links, who is signed in, and signing out. */
export function AccountBar({ label, links, person, signOutAction, variant }: { label: string; links: { to: string; label: string; end?: boolean }[]; person: string; signOutAction: string; variant?: "admin" }) {
  return (
    <div className={`portal-bar${variant === "admin" ? " admin-bar" : ""} no-print`}>
      <div className="container portal-bar__inner">
        <nav aria-label={label}>
          <ul className="portal-nav">
            {links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.end} prefetch="intent">
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="portal-bar__account">
          <span className="muted">{person}</span>
          <Form method="post" action={signOutAction}>
            <button type="submit" className="button button--secondary button--small">
              Sign out
            </button>
          </Form>
        </div>
      </div>
    </div>
  );
}
