/** A pet's photo, or its initial when there is none. The version in the URL changes when the photo does. */
export function PetPhoto({ patientId, name, version }: { patientId: string; name: string; version: string | null }) {
  if (!version) {
    return (
      <div className="pet-photo pet-photo--empty" aria-hidden="true">
        {name.charAt(0).toUpperCase()}
      </div>
    );
  }
  return <img className="pet-photo" src={`/photos/${patientId}?v=${version}`} alt={`Photo of ${name}`} width={96} height={96} />;
}
