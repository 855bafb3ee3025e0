import { Form } from "@remix-run/react";

/** Switches one record's portal sharing (a POST to the record's sharing action). */
export function SharingToggle({ documentId, shared, returnTo }: { documentId: string; shared: boolean; returnTo: string }) {
  return (
    <Form method="post" action={`/admin/documents/${documentId}`} className="inline">
      <input type="hidden" name="shared" value={shared ? "off" : "on"} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* The accessible name starts with the visible words, so voice users can say what they see. */}
      <button type="submit" className="button button--secondary button--small">
        Portal sharing: {shared ? "On" : "Off"}
        <span className="visually-hidden">{`. Turn it ${shared ? "off" : "on"}`}</span>
      </button>
    </Form>
  );
}
