import type { ContentBlock } from "~/document-content";

export function DocumentContent({ blocks }: { blocks: ContentBlock[] }) {
  return (
    <div className="document-content">
      {blocks.map((block, index) => {
        if (block.kind === "heading") return <h2 key={index}>{block.text}</h2>;
        if (block.kind === "list")
          return (
            <ul key={index}>
              {block.items.map((item, i) => (
                <li key={i}>{item}</li>
              ))}
            </ul>
          );
        return (
          <p key={index}>
            {block.lines.map((line, i) => (
              <span key={i} className="content-line">
                {line}
              </span>
            ))}
          </p>
        );
      })}
    </div>
  );
}
