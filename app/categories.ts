import type { DocumentCategory } from "../db/schema";

export const CATEGORY_LABELS: Record<DocumentCategory, string> = {
  visit_notes: "Visit notes",
  vaccination_certificates: "Vaccination certificate",
  diagnostics: "Lab results",
  imaging: "Imaging",
  discharge_instructions: "Discharge instructions",
  treatment_plans: "Treatment plan",
  referral_letters: "Referral letter",
  consent_forms: "Consent form",
};
