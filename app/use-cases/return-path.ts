/**
 * Where a client goes after signing in, when a link brought them to a portal page first (a form's email): a path
 * of this portal, never another host (`//evil.example`, `/\evil.example`) nor the staff or support areas.
 */
export function returnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 300) return undefined;
  if (!/^\/(?![/\\])[A-Za-z0-9/_.~%?=&-]*$/.test(value)) return undefined;
  // No dot segments, plain or escaped: "/forms/../admin" is the staff area by another name.
  if (/(^|\/)(\.|%2e){1,2}(\/|$|\?)/i.test(value)) return undefined;
  if (/^\/(admin|support|sign-in|sign-out|kiosk)(\/|$|\?)/.test(value) || value === "/") return undefined;
  return value;
}
