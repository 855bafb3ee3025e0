/** The SQLSTATE of a Postgres error, e.g. 42501 (insufficient privilege, including row-level security). */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
