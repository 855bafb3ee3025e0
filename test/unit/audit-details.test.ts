import { describe, expect, it } from "vitest";
import { auditDetailsInWords } from "../../app/admin/audit-details";

describe("audit details in words", () => {
  it("reads a change as before → after, key by key, with yes/no for switches", () => {
    expect(auditDetailsInWords({ before: { portalShared: true }, after: { portalShared: false } })).toBe("Portal shared: yes → no");
    expect(auditDetailsInWords({ before: { practitioners: [] }, after: { practitioners: ["Dr. Carter", "Dr. Lee"] } })).toBe("Practitioners: none → Dr. Carter, Dr. Lee");
  });

  it("names a key that only one side has, and settings values without underscores", () => {
    expect(auditDetailsInWords({ before: { diagnosticsShareStatus: "to_share" }, after: { diagnosticsShareStatus: "completed", portalEnabled: true } })).toBe(
      "Diagnostics share status: to share → completed; Portal enabled: none → yes",
    );
  });

  it("reads other details as key: value, nested objects included", () => {
    expect(auditDetailsInWords({ limit: "ip" })).toBe("Limit: ip");
    expect(auditDetailsInWords({ supportUser: "Ann <ann@portico.example>", reason: "Ticket 42" })).toBe("Support user: Ann <ann@portico.example>; Reason: Ticket 42");
    expect(auditDetailsInWords({ filters: { action: "client.sign_in" }, rows: 3 })).toBe("Filters: action client.sign_in; Rows: 3");
    expect(auditDetailsInWords({ member: "m-1", relationship: "Daughter", permissions: ["view_records"], ends_on: null })).toBe("Member: m-1; Relationship: Daughter; Permissions: view records; Ends on: none");
  });

  it("is empty for an event without details", () => {
    expect(auditDetailsInWords({})).toBe("");
  });
});
