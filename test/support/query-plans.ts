/** A node of `EXPLAIN (FORMAT JSON)` output, as far as the plan checks read it. */
export type PlanNode = { "Node Type": string; "Relation Name"?: string; "Shared Hit Blocks"?: number; "Shared Read Blocks"?: number; Plans?: PlanNode[] };

/** The tables a plan reads with a sequential scan, anywhere in the tree. */
export function seqScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" && node["Relation Name"] ? [node["Relation Name"]] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}
