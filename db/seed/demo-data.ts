import { DOG_INTAKE, type DemoForm, PHYSIO_INTAKE } from "./demo-forms";
import type { AppointmentStatus, DocumentCategory, DocumentStatus, OpeningHours, PatientStatus, PracticeKind, PrescriptionStatus, ReminderStatus, ShareThreshold } from "../schema";

/**
 * The demo practices, written to be read: every rule of the portal should be visible here. Later features add
 * their records next to the patients they belong to. Email addresses use example.com, which never receives mail.
 */

/** Days are relative to the day the demo is loaded, so appointments and reminders stay current. */
export type DemoDocument = {
  template: string;
  title: string;
  daysAgo: number;
  status: DocumentStatus;
  /** Defaults to the template's portal setting, as when staff create the document. */
  portalShared?: boolean;
  author: string;
  content: string;
};
export type DemoPrescription = {
  medication: string;
  strength?: string;
  directions: string;
  quantity?: string;
  refills: number;
  prescriber: string;
  daysAgo: number;
  status: PrescriptionStatus;
};
export type DemoAppointment = { inDays: number; at: string; minutes: number; location?: number; practitioner: string; reason: string; status: AppointmentStatus; bookedBy?: "client" };
export type DemoReminder = { description: string; dueInDays: number; status?: ReminderStatus };
export type DemoPatient = {
  name: string;
  species?: string;
  breed?: string;
  sex?: string;
  dateOfBirth?: string;
  status?: PatientStatus;
  records?: DemoDocument[];
  prescriptions?: DemoPrescription[];
  appointments?: DemoAppointment[];
  reminders?: DemoReminder[];
};
export type DemoClient = {
  firstName: string;
  lastName: string;
  phone?: string;
  status?: "active" | "inactive";
  portalBlocked?: boolean;
  /** The first email is the primary one; every one of them may sign in. */
  emails: string[];
  alternativeContacts?: { name: string; relationship: string; phone?: string; emails: string[] }[];
  /** A password account signing in with the first email and DEMO_CLIENT_PASSWORD. */
  account?: { accessLevel: "limited" | "full"; createdVia: "invitation" | "self_registration" };
  /** Linked to an earlier demo client's account as a family member, with these rights, until `endsOn` if given. */
  linkedTo?: { login: string; relationship: string; permissions: ("view_records" | "view_appointments" | "book" | "fill_forms")[]; endsOn?: string };
  patients: DemoPatient[];
};
export type DemoLocation = { name: string; address: string; phone: string; email?: string; openingHours: OpeningHours };
/** The password of every demo client account: printed in the README, for local use only. */
export const DEMO_CLIENT_PASSWORD = "portico-demo-client";
/** The password of every demo staff account: printed in the README, for local use only. */
export const DEMO_STAFF_PASSWORD = "portico-demo-staff";

export type DemoPractice = {
  subdomain: string;
  /** dedicated: loaded into a database of its own (development's embedded server creates it). */
  deployment?: "shared" | "dedicated";
  name: string;
  kind: PracticeKind;
  timeZone: string;
  phone: string;
  email: string;
  website?: string;
  locations: DemoLocation[];
  /** Every demo staff member signs in with DEMO_STAFF_PASSWORD (development only). */
  staff: { name: string; email: string; jobTitle: string; role: string }[];
  templates: { name: string; category: DocumentCategory; sharedWithPortal: boolean }[];
  sharing: { categories: DocumentCategory[]; diagnosticsShareStatus: ShareThreshold };
  clients: DemoClient[];
  /** Online booking: the practitioners clients may book (a staff account by email, or none) and what they may book. */
  booking?: DemoBooking;
  /** SmartForms, published, attached to appointment types and sent to a client. */
  forms?: DemoForm[];
};

export type DemoBooking = {
  mode: "direct" | "requests";
  minNoticeMinutes: number;
  newPatients: boolean;
  /** First visits at /book, for the types marked `newClients`. */
  newClients: boolean;
  /** Weekly hours at the practice's locations by index (the first when left out). */
  practitioners: { externalId: string; name: string; title: string; staffEmail?: string; hours: { weekday: number; starts: string; ends: string; location?: number }[] }[];
  /** `locations`: where it is offered, by index (all when left out). */
  types: { externalId: string; name: string; durationMinutes: number; bufferMinutes: number; species: string[]; practitioners: string[]; newClients?: boolean; locations?: number[] }[];
};

const weekdays = (hours: string) => ({ days: "Monday to Friday", hours });

export const DEMO_PRACTICES: DemoPractice[] = [
  {
    subdomain: "happy-paws",
    name: "Happy Paws Animal Hospital",
    kind: "veterinary",
    timeZone: "America/Chicago",
    phone: "(555) 010-4400",
    email: "frontdesk@happypaws.example.com",
    website: "https://happypaws.example.com",
    locations: [
      {
        name: "Happy Paws Animal Hospital",
        address: "1200 Maple Avenue\nSpringfield, IL 62704",
        phone: "(555) 010-4400",
        email: "frontdesk@happypaws.example.com",
        openingHours: [weekdays("8:00 am – 6:00 pm"), { days: "Saturday", hours: "9:00 am – 1:00 pm" }, { days: "Sunday", hours: "Closed" }],
      },
    ],
    booking: {
      mode: "direct",
      minNoticeMinutes: 120,
      newPatients: true,
      newClients: true,
      practitioners: [
        { externalId: "HP-VET-1", name: "Dr. Emily Carter", title: "Veterinarian", staffEmail: "emily.carter@happypaws.example.com", hours: [{ weekday: 1, starts: "09:00", ends: "12:00" }, { weekday: 2, starts: "09:00", ends: "12:00" }, { weekday: 3, starts: "09:00", ends: "12:00" }, { weekday: 4, starts: "09:00", ends: "12:00" }, { weekday: 5, starts: "09:00", ends: "12:00" }, { weekday: 1, starts: "13:00", ends: "17:00" }, { weekday: 2, starts: "13:00", ends: "17:00" }, { weekday: 3, starts: "13:00", ends: "17:00" }, { weekday: 4, starts: "13:00", ends: "17:00" }, { weekday: 5, starts: "13:00", ends: "17:00" }] },
        { externalId: "HP-VET-2", name: "Dr. Marcus Webb", title: "Veterinarian", hours: [{ weekday: 2, starts: "10:00", ends: "18:00" }, { weekday: 4, starts: "10:00", ends: "18:00" }, { weekday: 6, starts: "09:00", ends: "13:00" }] },
      ],
      types: [
        { externalId: "HP-T-WELL", name: "Wellness exam", durationMinutes: 30, bufferMinutes: 10, species: [], practitioners: ["HP-VET-1", "HP-VET-2"], newClients: true },
        { externalId: "HP-T-VAX", name: "Vaccination", durationMinutes: 20, bufferMinutes: 0, species: ["Dog", "Cat"], practitioners: ["HP-VET-1", "HP-VET-2"] },
        { externalId: "HP-T-DENT", name: "Dental check", durationMinutes: 45, bufferMinutes: 15, species: ["Dog", "Cat"], practitioners: ["HP-VET-1"] },
      ],
    },
    forms: [DOG_INTAKE],
    staff: [
      { name: "Dana Whitfield", email: "owner@happypaws.example.com", jobTitle: "Owner", role: "Owner" },
      { name: "Dr. Emily Carter", email: "emily.carter@happypaws.example.com", jobTitle: "Veterinarian", role: "Veterinarian" },
      { name: "Jordan Lee", email: "jordan.lee@happypaws.example.com", jobTitle: "Practice manager", role: "Practice manager" },
      { name: "Sam Rivera", email: "sam.rivera@happypaws.example.com", jobTitle: "Front desk", role: "Front desk" },
    ],
    templates: [
      { name: "Wellness exam", category: "visit_notes", sharedWithPortal: true },
      { name: "Vaccination certificate", category: "vaccination_certificates", sharedWithPortal: true },
      { name: "Laboratory results", category: "diagnostics", sharedWithPortal: true },
      { name: "Radiology report", category: "imaging", sharedWithPortal: true },
      { name: "Discharge instructions", category: "discharge_instructions", sharedWithPortal: true },
      { name: "Anesthesia consent", category: "consent_forms", sharedWithPortal: true },
      { name: "Internal clinical note", category: "visit_notes", sharedWithPortal: false },
    ],
    // Consent forms and referral letters stay in the practice; lab results show from "To share".
    sharing: { categories: ["visit_notes", "vaccination_certificates", "diagnostics", "imaging", "discharge_instructions", "treatment_plans"], diagnosticsShareStatus: "to_share" },
    clients: [
      {
        firstName: "Maria",
        lastName: "Lopez",
        phone: "(555) 010-2231",
        emails: ["maria.lopez@example.com", "maria@lopez-family.example.com"],
        alternativeContacts: [{ name: "Carlos Lopez", relationship: "Spouse", phone: "(555) 010-2232", emails: ["carlos.lopez@example.com"] }],
        patients: [
          {
            name: "Biscuit",
            species: "Dog",
            breed: "Golden Retriever",
            sex: "Male, neutered",
            dateOfBirth: "2019-04-12",
            records: [
              {
                template: "Wellness exam",
                title: "Annual wellness exam",
                daysAgo: 200,
                status: "completed",
                author: "Dr. Emily Carter",
                content:
                  "## Summary\nBiscuit is bright, alert and in good body condition (5/9). Weight 31.2 kg, stable since last year.\n\n## Findings\n- Mild tartar on the upper premolars\n- Ears clean, no discharge\n- Heart and lungs normal\n\n## Plan\nDental cleaning recommended within six months. Continue joint supplement.",
              },
              {
                template: "Wellness exam",
                title: "Annual wellness exam",
                daysAgo: 570,
                status: "completed",
                author: "Dr. Emily Carter",
                content: "## Summary\nHealthy adult dog. Weight 30.8 kg.\n\n## Plan\nBoosters given today. Recheck in one year.",
              },
              {
                template: "Vaccination certificate",
                title: "Rabies vaccination certificate",
                daysAgo: 570,
                status: "completed",
                author: "Dr. Emily Carter",
                content: "Vaccine: Rabies, 3-year\nManufacturer lot: RB-22817\nValid for three years from the date of vaccination.",
              },
              {
                template: "Laboratory results",
                title: "Complete blood count and chemistry",
                daysAgo: 198,
                status: "to_share",
                author: "Dr. Emily Carter",
                content: "## Results\n- Red and white cell counts within reference ranges\n- ALT 48 U/L (reference 10–100)\n- Creatinine 1.1 mg/dL (reference 0.5–1.8)\n\nNo abnormalities of concern.",
              },
              {
                template: "Laboratory results",
                title: "Urinalysis (awaiting review)",
                daysAgo: 2,
                status: "to_review",
                author: "Dr. Emily Carter",
                content: "Pending the veterinarian's review.",
              },
              {
                template: "Radiology report",
                title: "Hip radiographs",
                daysAgo: 199,
                status: "completed",
                author: "Dr. Emily Carter",
                content: "## Findings\nMild remodelling of the left hip joint, consistent with early arthritis.\n\n## Recommendation\nKeep weight stable; continue joint supplement; recheck in 12 months.",
              },
              {
                template: "Internal clinical note",
                title: "Staff note: behaviour during exam",
                daysAgo: 200,
                status: "completed",
                author: "Sam Rivera",
                content: "Internal only. Needs two handlers for nail trims.",
              },
              {
                template: "Discharge instructions",
                title: "Discharge after sedation (sharing switched off)",
                daysAgo: 199,
                status: "completed",
                portalShared: false,
                author: "Dr. Emily Carter",
                content: "Switched off by staff: superseded by a corrected version given in person.",
              },
              {
                template: "Anesthesia consent",
                title: "Consent for sedation",
                daysAgo: 199,
                status: "completed",
                author: "Jordan Lee",
                content: "Signed consent form (consent forms are not shared by this practice).",
              },
              {
                template: "Wellness exam",
                title: "Draft: dental assessment",
                daysAgo: 1,
                status: "draft",
                author: "Dr. Emily Carter",
                content: "Draft in progress.",
              },
              {
                template: "Wellness exam",
                title: "Entered in error",
                daysAgo: 300,
                status: "voided",
                author: "Dr. Emily Carter",
                content: "Voided.",
              },
            ],
            prescriptions: [
              { medication: "Carprofen", strength: "75 mg chewable tablet", directions: "Give 1 tablet by mouth once daily with food.", quantity: "30 tablets", refills: 2, prescriber: "Dr. Emily Carter", daysAgo: 198, status: "active" },
              { medication: "Apoquel (oclacitinib)", strength: "16 mg tablet", directions: "Give 1 tablet by mouth twice daily for 14 days, then once daily.", quantity: "28 tablets", refills: 0, prescriber: "Dr. Emily Carter", daysAgo: 420, status: "completed" },
              { medication: "Gabapentin", strength: "100 mg capsule", directions: "Draft: not yet approved.", refills: 0, prescriber: "Dr. Emily Carter", daysAgo: 1, status: "draft" },
              { medication: "Amoxicillin", strength: "250 mg", directions: "Voided: prescribed in error.", refills: 0, prescriber: "Dr. Emily Carter", daysAgo: 250, status: "voided" },
            ],
            appointments: [
              { inDays: 5, at: "10:30", minutes: 30, practitioner: "Dr. Emily Carter", reason: "Dental assessment", status: "scheduled" },
              { inDays: 34, at: "09:00", minutes: 90, practitioner: "Dr. Emily Carter", reason: "Dental cleaning under anesthesia", status: "confirmed" },
              { inDays: -200, at: "14:00", minutes: 30, practitioner: "Dr. Emily Carter", reason: "Annual wellness exam", status: "completed" },
              { inDays: -90, at: "11:00", minutes: 20, practitioner: "Dr. Emily Carter", reason: "Nail trim", status: "cancelled" },
            ],
            reminders: [
              { description: "Rabies vaccine booster", dueInDays: -10 },
              { description: "Heartworm test", dueInDays: 30 },
              { description: "Annual wellness exam", dueInDays: 165 },
              { description: "Bordetella vaccine", dueInDays: -40, status: "completed" },
            ],
          },
          {
            name: "Mochi",
            species: "Cat",
            breed: "Domestic Shorthair",
            sex: "Female, spayed",
            dateOfBirth: "2021-09-03",
            records: [
              {
                template: "Wellness exam",
                title: "Wellness exam",
                daysAgo: 45,
                status: "completed",
                author: "Dr. Emily Carter",
                content: "## Summary\nHealthy indoor cat. Weight 4.1 kg.\n\n## Plan\nFVRCP booster due in two months.",
              },
            ],
            appointments: [{ inDays: -45, at: "15:30", minutes: 30, practitioner: "Dr. Emily Carter", reason: "Wellness exam", status: "completed" }],
            reminders: [{ description: "FVRCP vaccine booster", dueInDays: 15 }],
          },
          {
            name: "Pepper",
            species: "Dog",
            breed: "Beagle",
            sex: "Female, spayed",
            dateOfBirth: "2009-02-20",
            status: "deceased",
            // Must never appear in the portal: not the pet, not its records, reminders or appointments.
            records: [{ template: "Wellness exam", title: "Senior wellness exam", daysAgo: 700, status: "completed", author: "Dr. Emily Carter", content: "Senior exam." }],
            prescriptions: [{ medication: "Vetmedin", strength: "5 mg", directions: "Twice daily.", refills: 1, prescriber: "Dr. Emily Carter", daysAgo: 700, status: "active" }],
            reminders: [{ description: "Senior blood panel", dueInDays: -30 }],
          },
          {
            name: "Shadow",
            species: "Cat",
            breed: "Maine Coon",
            sex: "Male",
            dateOfBirth: "2016-06-30",
            status: "inactive",
            reminders: [{ description: "Rabies vaccine", dueInDays: -100 }],
          },
        ],
      },
      {
        firstName: "James",
        lastName: "Okafor",
        phone: "(555) 010-7788",
        emails: ["james.okafor@example.com"],
        patients: [
          {
            name: "Luna",
            species: "Cat",
            breed: "Siamese",
            sex: "Female, spayed",
            dateOfBirth: "2020-01-15",
            records: [
              { template: "Wellness exam", title: "Wellness exam", daysAgo: 120, status: "completed", author: "Dr. Emily Carter", content: "Healthy. Weight 3.6 kg." },
            ],
            appointments: [{ inDays: 12, at: "16:00", minutes: 30, practitioner: "Dr. Emily Carter", reason: "Vaccinations", status: "scheduled" }],
            reminders: [{ description: "Rabies vaccine", dueInDays: 12 }],
          },
        ],
      },
      {
        firstName: "Priya",
        lastName: "Shah",
        phone: "(555) 010-9120",
        emails: ["priya.shah@example.com"],
        patients: [
          { name: "Rocky", species: "Rabbit", breed: "Holland Lop", sex: "Male, neutered", dateOfBirth: "2022-03-08" },
          { name: "Kiwi", species: "Bird", breed: "Cockatiel", sex: "Female", dateOfBirth: "2018-11-21" },
        ],
      },
      {
        firstName: "Tom",
        lastName: "Becker",
        status: "inactive",
        emails: ["tom.becker@example.com"],
        patients: [{ name: "Max", species: "Dog", breed: "German Shepherd", sex: "Male", dateOfBirth: "2014-07-01" }],
      },
    ],
  },
  {
    subdomain: "riverside-physio",
    name: "Riverside Physio",
    kind: "human",
    timeZone: "Europe/London",
    phone: "020 7946 0101",
    email: "hello@riversidephysio.example.com",
    locations: [
      {
        name: "Riverside Physio — Riverside",
        address: "14 Wharf Road\nLondon N1 7GR",
        phone: "020 7946 0101",
        openingHours: [weekdays("7:30 am – 8:00 pm"), { days: "Saturday", hours: "8:00 am – 2:00 pm" }],
      },
      {
        name: "Riverside Physio — Old Town",
        address: "3 Market Lane\nLondon N1 2AB",
        phone: "020 7946 0144",
        openingHours: [weekdays("9:00 am – 5:30 pm")],
      },
    ],
    booking: {
      mode: "requests",
      minNoticeMinutes: 240,
      newPatients: true,
      newClients: true,
      practitioners: [
        {
          externalId: "RP-PT-1",
          name: "Hannah Brooks",
          title: "Physiotherapist",
          staffEmail: "hannah.brooks@riversidephysio.example.com",
          hours: [
            { weekday: 1, starts: "09:00", ends: "17:00" },
            { weekday: 3, starts: "09:00", ends: "17:00" },
            { weekday: 5, starts: "09:00", ends: "13:00" },
            { weekday: 2, starts: "10:00", ends: "18:00", location: 1 },
            { weekday: 4, starts: "10:00", ends: "18:00", location: 1 },
          ],
        },
        { externalId: "RP-DC-1", name: "Owen Price", title: "Chiropractor", staffEmail: "owen.price@riversidephysio.example.com", hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, starts: "08:00", ends: "14:00", location: 1 })) },
      ],
      types: [
        { externalId: "RP-T-ASSESS", name: "Initial assessment", durationMinutes: 45, bufferMinutes: 15, species: [], practitioners: ["RP-PT-1"], newClients: true },
        { externalId: "RP-T-FOLLOW", name: "Physiotherapy follow-up", durationMinutes: 30, bufferMinutes: 0, species: [], practitioners: ["RP-PT-1"] },
        { externalId: "RP-T-CHIRO", name: "Chiropractic adjustment", durationMinutes: 20, bufferMinutes: 10, species: [], practitioners: ["RP-DC-1"], newClients: true, locations: [1] },
      ],
    },
    forms: [PHYSIO_INTAKE],
    staff: [
      { name: "Rosa Adeyemi", email: "owner@riversidephysio.example.com", jobTitle: "Clinic owner", role: "Owner" },
      { name: "Hannah Brooks", email: "hannah.brooks@riversidephysio.example.com", jobTitle: "Physiotherapist", role: "Practitioner" },
      { name: "Owen Price", email: "owen.price@riversidephysio.example.com", jobTitle: "Chiropractor", role: "Practitioner" },
      { name: "Mia Patel", email: "mia.patel@riversidephysio.example.com", jobTitle: "Reception", role: "Front desk" },
    ],
    templates: [
      { name: "Initial assessment", category: "visit_notes", sharedWithPortal: true },
      { name: "Treatment plan", category: "treatment_plans", sharedWithPortal: true },
      { name: "Home exercise programme", category: "discharge_instructions", sharedWithPortal: true },
      { name: "Referral letter", category: "referral_letters", sharedWithPortal: true },
      { name: "Imaging report", category: "imaging", sharedWithPortal: true },
      { name: "Clinical reasoning notes", category: "visit_notes", sharedWithPortal: false },
    ],
    sharing: { categories: ["visit_notes", "treatment_plans", "discharge_instructions", "referral_letters", "imaging"], diagnosticsShareStatus: "completed" },
    clients: [
      {
        firstName: "Alex",
        lastName: "Morgan",
        phone: "07700 900123",
        emails: ["alex.morgan@example.com"],
        patients: [
          {
            name: "Alex Morgan",
            sex: "Female",
            dateOfBirth: "1988-05-17",
            records: [
              {
                template: "Initial assessment",
                title: "Initial assessment: right knee",
                daysAgo: 40,
                status: "completed",
                author: "Hannah Brooks",
                content:
                  "## Presenting complaint\nRight knee pain after running, six weeks.\n\n## Findings\n- Tenderness below the kneecap\n- Full range of movement\n- Reduced single-leg control\n\n## Impression\nPatellar tendinopathy.",
              },
              {
                template: "Treatment plan",
                title: "Treatment plan: patellar tendinopathy",
                daysAgo: 40,
                status: "completed",
                author: "Hannah Brooks",
                content: "## Goals\n- Pain-free stairs within 4 weeks\n- Return to 5 km runs within 10 weeks\n\n## Sessions\nWeekly for six weeks, then fortnightly.",
              },
              {
                template: "Home exercise programme",
                title: "Home exercises, stage 2",
                daysAgo: 12,
                status: "completed",
                author: "Hannah Brooks",
                content: "- Isometric wall sits: 5 × 45 seconds, daily\n- Slow decline squats: 3 × 15, every other day\n- Calf raises: 3 × 20, daily",
              },
              {
                template: "Imaging report",
                title: "Ultrasound report (awaiting completion)",
                daysAgo: 8,
                status: "to_share",
                author: "Owen Price",
                content: "Not yet completed: imaging shows only when completed at this practice.",
              },
              { template: "Clinical reasoning notes", title: "Clinical reasoning", daysAgo: 40, status: "completed", author: "Hannah Brooks", content: "Internal." },
            ],
            prescriptions: [
              { medication: "Ibuprofen gel", strength: "5%", directions: "Apply a thin layer to the knee up to three times a day for up to two weeks.", quantity: "50 g tube", refills: 0, prescriber: "Hannah Brooks", daysAgo: 40, status: "active" },
            ],
            appointments: [
              { inDays: 3, at: "08:15", minutes: 45, location: 1, practitioner: "Hannah Brooks", reason: "Follow-up treatment", status: "scheduled" },
              { inDays: -12, at: "18:00", minutes: 45, location: 0, practitioner: "Hannah Brooks", reason: "Treatment session", status: "completed" },
              { inDays: -40, at: "17:00", minutes: 60, location: 0, practitioner: "Hannah Brooks", reason: "Initial assessment", status: "completed" },
              { inDays: -20, at: "17:00", minutes: 45, location: 0, practitioner: "Hannah Brooks", reason: "Treatment session", status: "no_show" },
            ],
            reminders: [
              { description: "Book your 6-week review", dueInDays: -5 },
              { description: "Progress to stage 3 exercises", dueInDays: 14 },
            ],
          },
        ],
      },
      {
        firstName: "Sarah",
        lastName: "Chen",
        account: { accessLevel: "full", createdVia: "invitation" },
        phone: "07700 900456",
        emails: ["sarah.chen@example.com"],
        patients: [
          { name: "Sarah Chen", sex: "Female", dateOfBirth: "1979-10-02" },
          {
            name: "Leo Chen",
            sex: "Male",
            dateOfBirth: "2011-03-14",
            records: [
              { template: "Initial assessment", title: "Initial assessment: ankle sprain", daysAgo: 9, status: "completed", author: "Owen Price", content: "Grade 1 lateral ankle sprain playing football." },
            ],
            appointments: [{ inDays: 2, at: "16:30", minutes: 30, location: 0, practitioner: "Owen Price", reason: "Ankle rehabilitation", status: "confirmed" }],
          },
        ],
      },
      {
        firstName: "Daniel",
        lastName: "Novak",
        phone: "07700 900789",
        emails: ["daniel.novak@example.com"],
        patients: [{ name: "Daniel Novak", sex: "Male", dateOfBirth: "1965-12-30" }],
      },
      {
        // Sarah's daughter: Sarah sees her appointments and records through her own login until Maya turns 18.
        firstName: "Maya",
        lastName: "Chen",
        emails: ["maya.chen@example.com"],
        linkedTo: { login: "sarah.chen@example.com", relationship: "Daughter", permissions: ["view_records", "view_appointments"], endsOn: "2029-06-03" },
        patients: [
          {
            name: "Maya Chen",
            sex: "Female",
            dateOfBirth: "2011-06-03",
            records: [
              { template: "Initial assessment", title: "Initial assessment: knee pain (netball)", daysAgo: 15, status: "completed", author: "Owen Price", content: "Patellofemoral pain; quadriceps strengthening." },
            ],
            appointments: [{ inDays: 6, at: "16:00", minutes: 30, location: 1, practitioner: "Owen Price", reason: "Knee follow-up", status: "scheduled" }],
          },
        ],
      },
      {
        // Registered himself when booking online: a limited account sees only what he booked, nothing the clinic wrote.
        firstName: "Leo",
        lastName: "Grant",
        phone: "07700 900456",
        emails: ["leo.grant@example.com"],
        account: { accessLevel: "limited", createdVia: "self_registration" },
        patients: [
          {
            name: "Leo Grant",
            sex: "Male",
            dateOfBirth: "1990-02-14",
            records: [
              { template: "Initial assessment", title: "Initial assessment: shoulder pain", daysAgo: 5, status: "completed", author: "Hannah Brooks", content: "Right shoulder impingement; rotator cuff strengthening plan." },
            ],
            appointments: [
              { inDays: 4, at: "09:00", minutes: 45, location: 0, practitioner: "Hannah Brooks", reason: "Shoulder assessment (booked online)", status: "scheduled", bookedBy: "client" },
              { inDays: 11, at: "09:00", minutes: 45, location: 0, practitioner: "Hannah Brooks", reason: "Follow-up booked by the clinic", status: "scheduled" },
              // Waiting on the schedule for the clinic to approve or decline (the clinic takes requests).
              { inDays: 6, at: "11:00", minutes: 30, location: 0, practitioner: "Hannah Brooks", reason: "Physiotherapy follow-up", status: "requested", bookedBy: "client" },
            ],
          },
        ],
      },
    ],
  },
  {
    subdomain: "northside-vet",
    deployment: "dedicated",
    name: "Northside Veterinary Clinic",
    kind: "veterinary",
    timeZone: "America/Chicago",
    phone: "(555) 020-7700",
    email: "desk@northsidevet.example.com",
    locations: [
      {
        name: "Northside Veterinary Clinic",
        address: "88 Lakeview Drive\nEvanston, IL 60201",
        phone: "(555) 020-7700",
        openingHours: [weekdays("8:00 am – 7:00 pm"), { days: "Saturday and Sunday", hours: "Closed" }],
      },
    ],
    staff: [{ name: "Alex Morgan", email: "owner@northsidevet.example.com", jobTitle: "Owner", role: "Owner" }],
    templates: [
      { name: "Wellness exam", category: "visit_notes", sharedWithPortal: true },
      { name: "Vaccination certificate", category: "vaccination_certificates", sharedWithPortal: true },
    ],
    sharing: { categories: ["visit_notes", "vaccination_certificates"], diagnosticsShareStatus: "completed" },
    clients: [
      {
        firstName: "Helen",
        lastName: "Okafor",
        phone: "(555) 020-3311",
        emails: ["helen.okafor@example.com"],
        patients: [
          {
            name: "Juniper",
            species: "Cat",
            breed: "Maine Coon",
            sex: "Female, spayed",
            dateOfBirth: "2020-09-02",
            records: [
              {
                template: "Wellness exam",
                title: "Annual wellness exam",
                daysAgo: 90,
                status: "completed",
                author: "Alex Morgan",
                content: "## Summary\nJuniper is healthy. Weight 6.1 kg.\n\n## Plan\nRepeat in twelve months.",
              },
            ],
            reminders: [{ description: "Annual wellness exam", dueInDays: 275 }],
          },
        ],
      },
    ],
  },
];
