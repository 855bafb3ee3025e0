/** A form's refusal, announced at once to screen readers; nothing when there is none. */
export function FormError({ error }: { error: string | undefined | null }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {error}
    </p>
  );
}
