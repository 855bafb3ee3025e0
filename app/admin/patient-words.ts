import type { PracticeKind, Wording } from "../../db/schema";

/**
 * What staff call a practice's patients: the practice's own word when it set one (`wording` in practice_settings),
 * else "pet" at a veterinary practice and "patient" at a human-health one. The portal's default plural for people is
 * "family" because the client reads it about their own household; staff pages speak of patients.
 */
export function patientWords(kind: PracticeKind, wording: Wording = {}): { singular: string; plural: string } {
  const singular = wording.patientSingular ?? (kind === "veterinary" ? "pet" : "patient");
  return { singular, plural: wording.patientPlural ?? `${singular}s` };
}
