import { ChoiceSelect } from "./choice-select";

/** Once a kind of appointment is chosen: optionally who, and from which day the free times are shown. */
export function TimeChoiceFields({ practitioners, practitionerId, date }: { practitioners: { id: string; name: string; title: string | null }[]; practitionerId: string | null; date: string }) {
  return (
    <>
      <ChoiceSelect id="practitioner" label="With" value={practitionerId} options={practitioners.map((p) => ({ id: p.id, name: p.title ? `${p.name}, ${p.title}` : p.name }))} empty="Anyone available" />
      <label htmlFor="date">From</label>
      <input id="date" name="date" type="date" defaultValue={date} />
    </>
  );
}
