import type { ReactNode } from "react";

/** The main landmark of a page that has no portal navigation (landing, sign-in, errors). */
export function Page({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="container main">
      {children}
    </main>
  );
}
