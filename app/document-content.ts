/**
 * Record content is structured text written by staff: `## ` starts a heading, `- ` a list item, a blank line a new
 * paragraph. Parsed into blocks, never into HTML, so the web page and the PDF render the same thing and nothing a
 * record says can become markup.
 */
export type ContentBlock = { kind: "heading"; text: string } | { kind: "paragraph"; lines: string[] } | { kind: "list"; items: string[] };

export function parseContent(content: string): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const line of content.replace(/\r\n?/g, "\n").split("\n")) {
    const trimmed = line.trim();
    const last = blocks.at(-1);
    if (trimmed === "") {
      if (last && last.kind !== "heading") blocks.push({ kind: "paragraph", lines: [] });
    } else if (trimmed.startsWith("## ")) {
      blocks.push({ kind: "heading", text: trimmed.slice(3).trim() });
    } else if (trimmed.startsWith("- ")) {
      if (last?.kind === "list") last.items.push(trimmed.slice(2).trim());
      else blocks.push({ kind: "list", items: [trimmed.slice(2).trim()] });
    } else if (last?.kind === "paragraph") {
      last.lines.push(trimmed);
    } else {
      blocks.push({ kind: "paragraph", lines: [trimmed] });
    }
  }
  return blocks.filter((block) => block.kind !== "paragraph" || block.lines.length > 0);
}
