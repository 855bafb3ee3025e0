import { useEffect, useState } from "react";

/** Printing needs the browser's print dialog, so the button appears once the page runs script. */
export function PrintButton() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return null;
  return (
    <button type="button" className="button button--secondary" onClick={() => window.print()}>
      Print
    </button>
  );
}
