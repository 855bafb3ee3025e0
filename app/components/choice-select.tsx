/**
 * A labelled select of records (a location, a pet, a kind of appointment, a practitioner) with a first, empty choice:
 * "Choose…" when one is needed, "Anyone" or "Everyone" when the empty choice means all of them.
 */
export function ChoiceSelect({ id, label, value, options, empty, required = false }: { id: string; label: string; value: string | null; options: { id: string; name: string }[]; empty: string; required?: boolean }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={id} defaultValue={value ?? ""} required={required}>
        <option value="" disabled={required}>
          {empty}
        </option>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
    </>
  );
}
