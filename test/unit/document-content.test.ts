import { describe, expect, it } from "vitest";
import { parseContent } from "../../app/document-content";

describe("parseContent", () => {
  it("reads headings, paragraphs and lists", () => {
    expect(parseContent("## Summary\nBright and alert.\nWeight stable.\n\n## Findings\n- Tartar\n- Ears clean\n\nRecheck in a year.")).toEqual([
      { kind: "heading", text: "Summary" },
      { kind: "paragraph", lines: ["Bright and alert.", "Weight stable."] },
      { kind: "heading", text: "Findings" },
      { kind: "list", items: ["Tartar", "Ears clean"] },
      { kind: "paragraph", lines: ["Recheck in a year."] },
    ]);
  });

  it("keeps markup as text", () => {
    expect(parseContent("<script>alert(1)</script>")).toEqual([{ kind: "paragraph", lines: ["<script>alert(1)</script>"] }]);
  });

  it("ignores blank content and Windows line endings", () => {
    expect(parseContent("")).toEqual([]);
    expect(parseContent("a\r\n\r\nb")).toEqual([
      { kind: "paragraph", lines: ["a"] },
      { kind: "paragraph", lines: ["b"] },
    ]);
  });
});
