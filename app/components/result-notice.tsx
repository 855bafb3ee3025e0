/** What an action did, or why it did not: announced politely when it worked, assertively when it did not. */
export function ResultNotice({ result }: { result: { ok: true; message: string } | { ok: false; error: string } | undefined }) {
  if (!result) return null;
  return (
    <p className={result.ok ? "notice" : "notice notice--warning"} role={result.ok ? "status" : "alert"}>
      {result.ok ? result.message : result.error}
    </p>
  );
}
