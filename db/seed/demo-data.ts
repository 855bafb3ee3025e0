import type { OpeningHours, PatientStatus, PracticeKind } from "../schema";

/**
 * The demo practices, written to be read: every rule of the portal should be visible here. Later features add
 * their records next to the patients they belong to. Email addresses use example.com, which never receives mail.
 */

export type DemoPatient = { name: string; species?: string; breed?: string; sex?: string; dateOfBirth?: string; status?: PatientStatus };
export type DemoClient = {
  firstName: string;
  lastName: string;
  phone?: string;
  status?: "active" | "inactive";
  portalBlocked?: boolean;
  /** The first email is the primary one; every one of them may sign in. */
  emails: string[];
  alternativeContacts?: { name: string; relationship: string; phone?: string; emails: string[] }[];
  patients: DemoPatient[];
};
export type DemoLocation = { name: string; address: string; phone: string; email?: string; openingHours: OpeningHours };
export type DemoPractice = {
  subdomain: string;
  name: string;
  kind: PracticeKind;
  timeZone: string;
  phone: string;
  email: string;
  website?: string;
  locations: DemoLocation[];
  staff: { name: string; email: string; jobTitle: string }[];
  clients: DemoClient[];
};

const weekdays = (hours: string) => ({ days: "Monday to Friday", hours });

export const DEMO_PRACTICES: DemoPractice[] = [
  {
    subdomain: "happy-paws",
    name: "Happy Paws Animal Hospital",
    kind: "veterinary",
    timeZone: "America/New_York",
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
    staff: [
      { name: "Dr. Emily Carter", email: "emily.carter@happypaws.example.com", jobTitle: "Veterinarian" },
      { name: "Jordan Lee", email: "jordan.lee@happypaws.example.com", jobTitle: "Practice manager" },
      { name: "Sam Rivera", email: "sam.rivera@happypaws.example.com", jobTitle: "Front desk" },
    ],
    clients: [
      {
        firstName: "Maria",
        lastName: "Lopez",
        phone: "(555) 010-2231",
        emails: ["maria.lopez@example.com", "maria@lopez-family.example.com"],
        alternativeContacts: [{ name: "Carlos Lopez", relationship: "Spouse", phone: "(555) 010-2232", emails: ["carlos.lopez@example.com"] }],
        patients: [
          { name: "Biscuit", species: "Dog", breed: "Golden Retriever", sex: "Male, neutered", dateOfBirth: "2019-04-12" },
          { name: "Mochi", species: "Cat", breed: "Domestic Shorthair", sex: "Female, spayed", dateOfBirth: "2021-09-03" },
          { name: "Pepper", species: "Dog", breed: "Beagle", sex: "Female, spayed", dateOfBirth: "2009-02-20", status: "deceased" },
          { name: "Shadow", species: "Cat", breed: "Maine Coon", sex: "Male", dateOfBirth: "2016-06-30", status: "inactive" },
        ],
      },
      {
        firstName: "James",
        lastName: "Okafor",
        phone: "(555) 010-7788",
        emails: ["james.okafor@example.com"],
        patients: [{ name: "Luna", species: "Cat", breed: "Siamese", sex: "Female, spayed", dateOfBirth: "2020-01-15" }],
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
    staff: [
      { name: "Hannah Brooks", email: "hannah.brooks@riversidephysio.example.com", jobTitle: "Physiotherapist" },
      { name: "Owen Price", email: "owen.price@riversidephysio.example.com", jobTitle: "Chiropractor" },
      { name: "Mia Patel", email: "mia.patel@riversidephysio.example.com", jobTitle: "Reception" },
    ],
    clients: [
      {
        firstName: "Alex",
        lastName: "Morgan",
        phone: "07700 900123",
        emails: ["alex.morgan@example.com"],
        patients: [{ name: "Alex Morgan", sex: "Female", dateOfBirth: "1988-05-17" }],
      },
      {
        firstName: "Sarah",
        lastName: "Chen",
        phone: "07700 900456",
        emails: ["sarah.chen@example.com"],
        patients: [
          { name: "Sarah Chen", sex: "Female", dateOfBirth: "1979-10-02" },
          { name: "Leo Chen", sex: "Male", dateOfBirth: "2011-03-14" },
        ],
      },
      {
        firstName: "Daniel",
        lastName: "Novak",
        phone: "07700 900789",
        emails: ["daniel.novak@example.com"],
        patients: [{ name: "Daniel Novak", sex: "Male", dateOfBirth: "1965-12-30" }],
      },
    ],
  },
];
