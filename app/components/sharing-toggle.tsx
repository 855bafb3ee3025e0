import { Form } from "@remix-run/react";

/** Switches one record's portal sharing (a POST to the record's sharing action). */
export function SharingToggle({ documentId, shared, returnTo }: { documentId: string; shared: boolean; returnTo: string }) {
  return (
    <Form method="post" action={`/admin/documents/${documentId}`} className="inline">
      <input type="hidden" name="shared" value={shared ? "off" : "on"} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <button type="submit" className="button button--secondary button--small" aria-label={`Portal sharing is ${shared ? "on" : "off"}. Turn it ${shared ? "off" : "on"}`}>
        Portal sharing: {shared ? "On" : "Off"}
      </button>
    </Form>
  );
}
