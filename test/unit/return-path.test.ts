import { describe, expect, it } from "vitest";
import { returnPath } from "../../app/use-cases/return-path";

describe("returnPath", () => {
  it("keeps a path of the portal, with its query", () => {
    expect(returnPath("/forms/0b3d395f-2c1e-4a7e-9a51-3e1f2a9b7c10")).toBe("/forms/0b3d395f-2c1e-4a7e-9a51-3e1f2a9b7c10");
    expect(returnPath("/appointments/book?type=abc&date=2027-01-04")).toBe("/appointments/book?type=abc&date=2027-01-04");
  });

  it("refuses other hosts, other areas, odd characters and anything that is not a path", () => {
    for (const bad of ["//evil.example/forms", "/\\evil.example", "https://evil.example/", "forms", "/admin", "/admin/clients", "/support/x", "/sign-in/abc", "/kiosk", "/", "/forms/<script>", "/forms/../admin/staff", "/forms/%2e%2e/admin", "/forms/%2E%2E/admin", "/forms/./x", "/forms\n/x", "/" + "a".repeat(300), 42, undefined, null]) {
      expect(returnPath(bad), String(bad)).toBeUndefined();
    }
  });
});
