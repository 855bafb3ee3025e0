import type { FormDefinitionInput } from "../../app/forms/definition";

/** A demo practice's form: published once, attached to appointment types (by external id), sent to a client. */
export type DemoForm = { definition: FormDefinitionInput; appointmentTypes: string[]; sendTo?: { email: string; patient?: string } };

export const DOG_INTAKE: DemoForm = {
  appointmentTypes: ["HP-T-WELL"],
  sendTo: { email: "maria.lopez@example.com", patient: "Biscuit" },
  definition: {
    title: "Dog intake form",
    description: "Tell us about your dog before the visit, so we can make the most of it.",
    sections: [
      {
        id: "about",
        title: "About your dog",
        questions: [
          { id: "diet", kind: "short_text", label: "What does your dog eat, and how often?", required: true },
          { id: "weight", kind: "number", label: "Weight at home (kg), if you know it", required: false, min: 0, max: 120 },
          { id: "vaccinated", kind: "yes_no", label: "Are vaccinations up to date?", required: true },
          { id: "last_vaccination", kind: "date", label: "When were they last vaccinated?", required: false, showIf: { question: "vaccinated", equals: true } },
          {
            id: "concerns",
            kind: "multiple_choice",
            label: "Anything you have noticed lately?",
            required: false,
            options: [
              { value: "appetite", label: "Change in appetite" },
              { value: "itching", label: "Itching or scratching" },
              { value: "limping", label: "Limping or stiffness" },
              { value: "other", label: "Something else" },
            ],
          },
          { id: "concerns_other", kind: "long_text", label: "Tell us more", required: true, showIf: { question: "concerns", anyOf: ["other"] } },
          { id: "temperament", kind: "scale", label: "How calm is your dog at the vet?", required: false, min: 1, max: 5, minLabel: "Very anxious", maxLabel: "Very calm" },
        ],
      },
      {
        id: "consent",
        title: "Consent",
        questions: [
          {
            id: "treatment_consent",
            kind: "consent",
            label: "Consent to examination",
            required: true,
            text: "I am the owner (or the owner's agent) of this dog and I consent to its examination. I understand I will be told the cost of any treatment before it is given.",
          },
        ],
      },
    ],
  },
};

export const PHYSIO_INTAKE: DemoForm = {
  appointmentTypes: ["RP-T-ASSESS"],
  sendTo: { email: "alex.morgan@example.com" },
  definition: {
    title: "New-patient physiotherapy intake",
    description: "Please complete this before your first assessment.",
    sections: [
      {
        id: "complaint",
        title: "Your complaint",
        questions: [
          { id: "area", kind: "single_choice", label: "Where is the problem?", required: true, options: [
            { value: "neck", label: "Neck" },
            { value: "back", label: "Back" },
            { value: "shoulder", label: "Shoulder" },
            { value: "knee", label: "Knee" },
            { value: "other", label: "Elsewhere" },
          ] },
          { id: "area_other", kind: "short_text", label: "Where exactly?", required: true, showIf: { question: "area", equals: "other" } },
          { id: "since", kind: "date", label: "Since when?", required: false },
          { id: "pain", kind: "scale", label: "Pain today", required: true, min: 0, max: 10, minLabel: "None", maxLabel: "Worst imaginable" },
          { id: "injury", kind: "yes_no", label: "Did it start with an injury?", required: true },
          { id: "injury_details", kind: "long_text", label: "What happened?", required: false, showIf: { question: "injury", equals: true } },
        ],
      },
      {
        id: "health",
        title: "Your health",
        questions: [
          { id: "medication", kind: "long_text", label: "Medication you take", required: false, help: "Include anything you take regularly, even without a prescription." },
          { id: "red_flags", kind: "multiple_choice", label: "Do you have any of these?", required: false, options: [
            { value: "numbness", label: "Numbness or pins and needles" },
            { value: "weight_loss", label: "Unexplained weight loss" },
            { value: "night_pain", label: "Pain that wakes you at night" },
          ] },
        ],
      },
      {
        id: "consent",
        title: "Consent",
        questions: [
          { id: "treatment_consent", kind: "consent", label: "Consent to assessment and treatment", required: true, text: "I consent to a physiotherapy assessment and to the treatment explained to me, which may include manual therapy and exercise. I can stop at any time." },
          { id: "signature", kind: "signature", label: "Signature", required: true },
        ],
      },
    ],
  },
};
