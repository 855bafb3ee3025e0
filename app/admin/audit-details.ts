/**
 * An audit event's details in words, for the audit log page: "Portal shared: yes → no" instead of the stored JSON.
 * The CSV export keeps the JSON, which a spreadsheet or a script reads better than prose.
 */

/** portalShared → "portal shared"; signInMethods → "sign in methods". */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function valueInWords(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length ? value.map(valueInWords).join(", ") : "none";
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([key, inner]) => `${words(key)} ${valueInWords(inner)}`).join(", ") : "none";
  }
  // Enum-like tokens (to_share, view_records) read as words; anything else (names, actions, addresses) as stored.
  return typeof value === "string" && /^[a-z]+(_[a-z]+)+$/.test(value) ? value.replace(/_/g, " ") : String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * One line per fact, joined with "; ". A change recorded as `{ before, after }` reads "Key: old → new" for each key
 * either side names; any other key reads "Key: value".
 */
export function auditDetailsInWords(details: Record<string, unknown>): string {
  const { before, after } = details;
  const change = isRecord(before) || isRecord(after);
  const parts: string[] = [];
  if (change) {
    const was = isRecord(before) ? before : {};
    const now = isRecord(after) ? after : {};
    for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
      parts.push(`${capitalised(words(key))}: ${valueInWords(was[key])} → ${valueInWords(now[key])}`);
    }
  }
  for (const [key, value] of Object.entries(details)) {
    if (change && (key === "before" || key === "after")) continue;
    parts.push(`${capitalised(words(key))}: ${valueInWords(value)}`);
  }
  return parts.join("; ");
}
