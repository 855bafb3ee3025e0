import type { ReactNode } from "react";
import { AccountBar } from "./account-bar";

export function SupportLayout({ user, children }: { user: { name: string }; children: ReactNode }) {
  return (
    <>
      <AccountBar
        label="Support"
        variant="admin"
        links={[
          { to: "/support", label: "Practices", end: true },
          { to: "/support/practices/new", label: "New practice" },
        ]}
        person={`${user.name} · Portico support`}
        signOutAction="/support/logout"
      />
      <main id="main" className="container main">
        {children}
      </main>
    </>
  );
}
