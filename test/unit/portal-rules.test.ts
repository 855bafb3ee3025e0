import { describe, expect, it } from "vitest";
import type { DocumentCategory, DocumentStatus } from "../../db/schema";
import {
  isMemberLinkActive,
  proxyAllows,
  isAppointmentVisibleTo,
  seesPracticeRecords,
  appointmentSection,
  canConfirmAppointment,
  isDocumentVisible,
  isPatientVisible,
  isPrescriptionVisible,
  reminderSection,
  type SharingSettings,
  todayIn,
} from "../../app/visibility/portal-rules";

const settings: SharingSettings = { portalEnabled: true, sharedCategories: ["visit_notes", "diagnostics", "imaging", "vaccination_certificates"], diagnosticsShareStatus: "to_share" };
const doc = (category: DocumentCategory, status: DocumentStatus, portalShared = true) => ({ category, status, portalShared });

describe("patients", () => {
  it("shows active patients only: never deceased, not inactive", () => {
    expect(isPatientVisible({ status: "active" })).toBe(true);
    expect(isPatientVisible({ status: "inactive" })).toBe(false);
    expect(isPatientVisible({ status: "deceased" })).toBe(false);
  });
});

describe("documents", () => {
  it("shows a completed document of a shared category with sharing on", () => {
    expect(isDocumentVisible(doc("visit_notes", "completed"), settings)).toBe(true);
  });

  it("hides everything when the portal is disabled", () => {
    expect(isDocumentVisible(doc("visit_notes", "completed"), { ...settings, portalEnabled: false })).toBe(false);
  });

  it("hides a document whose portal sharing is off", () => {
    expect(isDocumentVisible(doc("visit_notes", "completed", false), settings)).toBe(false);
  });

  it("hides a category the practice does not share", () => {
    expect(isDocumentVisible(doc("consent_forms", "completed"), settings)).toBe(false);
    expect(isDocumentVisible(doc("referral_letters", "completed"), settings)).toBe(false);
  });

  it.each<DocumentStatus>(["draft", "voided"])("never shows a %s document, whatever the category", (status) => {
    for (const category of ["visit_notes", "diagnostics", "imaging"] as const) {
      expect(isDocumentVisible(doc(category, status), { ...settings, diagnosticsShareStatus: "to_review" })).toBe(false);
    }
  });

  it("shows other categories only when completed", () => {
    expect(isDocumentVisible(doc("visit_notes", "to_review"), settings)).toBe(false);
    expect(isDocumentVisible(doc("visit_notes", "to_share"), settings)).toBe(false);
  });

  it.each<[SharingSettings["diagnosticsShareStatus"], DocumentStatus, boolean]>([
    ["to_review", "to_review", true],
    ["to_review", "to_share", true],
    ["to_review", "completed", true],
    ["to_share", "to_review", false],
    ["to_share", "to_share", true],
    ["to_share", "completed", true],
    ["completed", "to_review", false],
    ["completed", "to_share", false],
    ["completed", "completed", true],
  ])("diagnostics and imaging at threshold %s: a %s document is visible: %s", (threshold, status, visible) => {
    for (const category of ["diagnostics", "imaging"] as const) {
      expect(isDocumentVisible(doc(category, status), { ...settings, diagnosticsShareStatus: threshold })).toBe(visible);
    }
  });
});

describe("prescriptions", () => {
  it("never shows draft or voided ones", () => {
    expect(isPrescriptionVisible({ status: "active" })).toBe(true);
    expect(isPrescriptionVisible({ status: "completed" })).toBe(true);
    expect(isPrescriptionVisible({ status: "draft" })).toBe(false);
    expect(isPrescriptionVisible({ status: "voided" })).toBe(false);
  });
});

describe("appointments", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const later = new Date("2026-11-24T09:00:00Z");
  const earlier = new Date("2026-11-20T09:00:00Z");

  it("sorts appointments into upcoming, past and hidden", () => {
    expect(appointmentSection({ status: "scheduled", startsAt: later }, now)).toBe("upcoming");
    expect(appointmentSection({ status: "confirmed", startsAt: later }, now)).toBe("upcoming");
    expect(appointmentSection({ status: "completed", startsAt: earlier }, now)).toBe("past");
    expect(appointmentSection({ status: "cancelled", startsAt: later }, now)).toBe("hidden");
    expect(appointmentSection({ status: "requested", startsAt: later }, now)).toBe("upcoming");
    expect(appointmentSection({ status: "requested", startsAt: earlier }, now)).toBe("hidden");
    expect(appointmentSection({ status: "declined", startsAt: later }, now)).toBe("hidden");
    expect(appointmentSection({ status: "no_show", startsAt: earlier }, now)).toBe("hidden");
    expect(appointmentSection({ status: "scheduled", startsAt: earlier }, now)).toBe("hidden");
  });

  it("lets a client confirm only a scheduled appointment still to come", () => {
    expect(canConfirmAppointment({ status: "scheduled", startsAt: later }, now)).toBe(true);
    expect(canConfirmAppointment({ status: "confirmed", startsAt: later }, now)).toBe(false);
    expect(canConfirmAppointment({ status: "scheduled", startsAt: earlier }, now)).toBe(false);
    expect(canConfirmAppointment({ status: "cancelled", startsAt: later }, now)).toBe(false);
  });
});

describe("reminders", () => {
  it("splits pending reminders into overdue (before today) and upcoming (today or later)", () => {
    expect(reminderSection({ status: "pending", dueOn: "2026-11-22" }, "2026-11-23")).toBe("overdue");
    expect(reminderSection({ status: "pending", dueOn: "2026-11-23" }, "2026-11-23")).toBe("upcoming");
    expect(reminderSection({ status: "pending", dueOn: "2027-01-01" }, "2026-11-23")).toBe("upcoming");
    expect(reminderSection({ status: "completed", dueOn: "2026-11-01" }, "2026-11-23")).toBe("hidden");
    expect(reminderSection({ status: "cancelled", dueOn: "2026-11-01" }, "2026-11-23")).toBe("hidden");
  });

  it("takes today's date in the practice's time zone", () => {
    const now = new Date("2026-11-23T03:30:00Z");
    expect(todayIn("Europe/London", now)).toBe("2026-11-23");
    expect(todayIn("America/New_York", now)).toBe("2026-11-22");
  });
});

describe("access levels", () => {
  it("limited accounts see nothing the practice generated, and only the appointments they booked", () => {
    expect(seesPracticeRecords("full")).toBe(true);
    expect(seesPracticeRecords("limited")).toBe(false);
    expect(isAppointmentVisibleTo("limited", { bookedBy: "client" })).toBe(true);
    expect(isAppointmentVisibleTo("limited", { bookedBy: "practice" })).toBe(false);
    expect(isAppointmentVisibleTo("full", { bookedBy: "practice" })).toBe(true);
  });
});

describe("family members and proxies", () => {
  it("open only the areas their permissions name", () => {
    expect(proxyAllows(["view_appointments"], "appointments")).toBe(true);
    expect(proxyAllows(["view_appointments"], "records")).toBe(false);
    expect(proxyAllows(["view_records", "fill_forms"], "forms")).toBe(true);
    expect(proxyAllows(["view_records"], "book")).toBe(false);
  });

  it("last through their end date, and not a day longer", () => {
    expect(isMemberLinkActive({ endsOn: null }, "2026-11-23")).toBe(true);
    expect(isMemberLinkActive({ endsOn: "2026-11-23" }, "2026-11-23")).toBe(true);
    expect(isMemberLinkActive({ endsOn: "2026-11-22" }, "2026-11-23")).toBe(false);
  });
});
