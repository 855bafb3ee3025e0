import { afterEach, vi } from "vitest";

// An unexpected error or warning is a bug even when every assertion passes.
let unexpected: string[] = [];

for (const level of ["error", "warn"] as const) {
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    unexpected.push(`console.${level}: ${args.map(String).join(" ")}`);
  });
}

afterEach(() => {
  const messages = unexpected;
  unexpected = [];
  if (messages.length > 0) throw new Error(`Unexpected console output:\n${messages.join("\n")}`);
});
