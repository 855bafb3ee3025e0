/**
 * Compares two V8 heap snapshots of the same process (bench/soak.ts writes them with SOAK_SNAPSHOTS): which kinds of
 * object grew in number and size between them, and how many strings carrying the soak's marker (the random tokens
 * of its bad requests) each still holds, and in what. A leak keyed by request data shows as marker strings that
 * grow with the rounds; a bounded cache shows as a number that stops at its bound.
 *
 * Usage: tsx bench/heap-diff.ts <earlier.heapsnapshot> <later.heapsnapshot> [marker]
 */
import fs from "node:fs/promises";
import { pathToFileURL } from "node:url";

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
};

type Group = { count: number; size: number };
type Summary = { nodes: number; size: number; groups: Map<string, Group>; marked: Group; markedHolders: Map<string, number>; preparedPerConnection: number[] };

const STRING_TYPES = new Set(["string", "concatenated string", "sliced string"]);

async function summarise(file: string, marker: string): Promise<Summary> {
  const data = JSON.parse(await fs.readFile(file, "utf8")) as Snapshot;
  const { node_fields: nodeFields, node_types: [nodeTypes], edge_fields: edgeFields, edge_types: [edgeTypes] } = data.snapshot.meta;
  const width = nodeFields.length;
  const [TYPE, NAME, SIZE, EDGES] = ["type", "name", "self_size", "edge_count"].map((field) => nodeFields.indexOf(field)) as [number, number, number, number];
  const edgeWidth = edgeFields.length;
  const [EDGE_TYPE, EDGE_NAME, EDGE_TO] = ["type", "name_or_index", "to_node"].map((field) => edgeFields.indexOf(field)) as [number, number, number];
  const { nodes, edges, strings } = data;
  const typeOf = (node: number) => nodeTypes[nodes[node + TYPE]!]!;
  const nameOf = (node: number) => strings[nodes[node + NAME]!]!;
  // Internal arrays are named with a number that differs between instances ("(object properties) (5517)").
  const kindOf = (node: number) => nameOf(node).replace(/ \(\d+\)$/, "");
  const groupOf = (node: number) => {
    const type = typeOf(node);
    if (STRING_TYPES.has(type)) return "(string)";
    if (type === "object" || type === "closure" || type === "regexp" || type === "native") return `${kindOf(node).slice(0, 60)}${type === "closure" ? "()" : ""}`;
    return `(${type}) ${kindOf(node).slice(0, 40) || "unnamed"}`;
  };

  const summary: Summary = { nodes: nodes.length / width, size: 0, groups: new Map(), marked: { count: 0, size: 0 }, markedHolders: new Map(), preparedPerConnection: [] };
  // Edges are stored node after node: the first edge of each node is the sum of the counts before it.
  const firstEdge = new Uint32Array(nodes.length / width + 1);
  for (let node = 0, i = 0; node < nodes.length; node += width, i++) firstEdge[i + 1] = firstEdge[i]! + nodes[node + EDGES]! * edgeWidth;
  const edgesOf = function* (node: number) {
    for (let edge = firstEdge[node / width]!; edge < firstEdge[node / width + 1]!; edge += edgeWidth) yield edge;
  };
  // A marked string, or one made from it: V8 names a slice (`"abc…".slice(3)`) "(sliced string)", not by its text,
  // so a map key cut out of a Host header is found through the string it was cut from.
  const marked = new Set<number>();
  for (let node = 0; node < nodes.length; node += width) if (STRING_TYPES.has(typeOf(node)) && nameOf(node).includes(marker)) marked.add(node);
  for (let pass = 0; pass < 2; pass++) {
    for (let node = 0; node < nodes.length; node += width) {
      if (!STRING_TYPES.has(typeOf(node)) || marked.has(node)) continue;
      for (const edge of edgesOf(node)) if (marked.has(edges[edge + EDGE_TO]!)) marked.add(node);
    }
  }
  const holding: [node: number, edge: number][] = [];
  for (let node = 0; node < nodes.length; node += width) {
    const size = nodes[node + SIZE]!;
    summary.size += size;
    const key = groupOf(node);
    const group = summary.groups.get(key) ?? { count: 0, size: 0 };
    group.count++;
    group.size += size;
    summary.groups.set(key, group);
    if (marked.has(node)) {
      summary.marked.count++;
      summary.marked.size += size;
      continue;
    }
    for (const edge of edgesOf(node)) if (marked.has(edges[edge + EDGE_TO]!)) holding.push([node, edge]);
  }
  // postgres.js keeps each connection's prepared statements in an object named `statements` in the connection's
  // closure, keyed by SQL text: SQL text that varied with the request would grow it without bound.
  for (let node = 0; node < nodes.length; node += width) {
    for (const edge of edgesOf(node)) {
      if (edgeTypes[edges[edge + EDGE_TYPE]!] !== "context" || strings[edges[edge + EDGE_NAME]!] !== "statements") continue;
      const texts = new Set<string>();
      for (const property of edgesOf(edges[edge + EDGE_TO]!)) {
        const kind = edgeTypes[edges[property + EDGE_TYPE]!];
        const name = strings[edges[property + EDGE_NAME]!]!;
        if (kind === "property" && name !== "__proto__") texts.add(name);
        // Beyond a few properties V8 keeps them in a dictionary, whose keys (the SQL texts) are its string entries.
        else if (kind === "internal" && name === "properties") {
          for (const entry of edgesOf(edges[property + EDGE_TO]!)) if (STRING_TYPES.has(typeOf(edges[entry + EDGE_TO]!))) texts.add(nameOf(edges[entry + EDGE_TO]!));
        }
      }
      summary.preparedPerConnection.push(texts.size);
    }
  }
  // What holds each marked string, named by the two objects above it (a Map's table says little; the class and
  // property holding the Map say where to look).
  const parents = new Map<number, [number, number]>(holding.map(([node]) => [node, [-1, -1]]));
  for (let level = 0; level < 2; level++) {
    const wanted = new Set([...parents].filter(([, [parent]]) => parent === -1).map(([node]) => node));
    for (let node = 0; node < nodes.length; node += width) {
      if (typeOf(node) === "synthetic") continue;
      for (const edge of edgesOf(node)) {
        const to = edges[edge + EDGE_TO]!;
        if (!wanted.has(to)) continue;
        wanted.delete(to);
        parents.set(to, [node, edge]);
        if (level === 0 && !parents.has(node)) parents.set(node, [-1, -1]);
      }
    }
  }
  const via = (edge: number) => {
    const edgeType = edgeTypes[edges[edge + EDGE_TYPE]!];
    const edgeName = edgeType === "element" || edgeType === "hidden" ? "" : strings[edges[edge + EDGE_NAME]!]!;
    // Slots of a hash table or an array are edges named by their index: one holder, whatever the slot.
    return edgeName === "" || /^\d+$/.test(edgeName) ? "[index]" : edgeType === "internal" ? ` (${edgeName})` : `.${edgeName}`;
  };
  for (const [node, edge] of holding) {
    let label = `${groupOf(node)}${via(edge)}`;
    for (let child = node, up = 0; up < 2; up++) {
      const [parent, parentEdge] = parents.get(child) ?? [-1, -1];
      if (parent === -1) break;
      label = `${groupOf(parent)}${via(parentEdge)} → ${label}`;
      child = parent;
    }
    summary.markedHolders.set(label, (summary.markedHolders.get(label) ?? 0) + 1);
  }
  return summary;
}

const kb = (bytes: number) => `${bytes >= 0 ? "+" : ""}${Math.round(bytes / 1024).toLocaleString("en")} kB`;

export async function compareSnapshots(earlierFile: string, laterFile: string, marker = "fuzz"): Promise<string[]> {
  const earlier = await summarise(earlierFile, marker);
  const later = await summarise(laterFile, marker);
  const lines = [
    `objects ${earlier.nodes.toLocaleString("en")} → ${later.nodes.toLocaleString("en")}, self size ${Math.round(earlier.size / 1024 / 1024)} → ${Math.round(later.size / 1024 / 1024)} MB`,
    `strings holding "${marker}" (request-derived): ${earlier.marked.count} (${kb(earlier.marked.size)}) → ${later.marked.count} (${kb(later.marked.size)})`,
  ];
  const prepared = (summary: Summary) => `${summary.preparedPerConnection.length} connections, at most ${Math.max(0, ...summary.preparedPerConnection)} each`;
  lines.push(`postgres.js prepared statements: ${prepared(earlier)} → ${prepared(later)}`);
  for (const [holder, count] of [...later.markedHolders].sort((a, b) => b[1] - a[1]).slice(0, 6)) lines.push(`  ×${count} held by ${holder}`);
  const deltas = [...new Set([...earlier.groups.keys(), ...later.groups.keys()])].map((key) => {
    const a = earlier.groups.get(key) ?? { count: 0, size: 0 };
    const b = later.groups.get(key) ?? { count: 0, size: 0 };
    return { key, count: b.count - a.count, size: b.size - a.size, total: b.count };
  });
  lines.push("largest growth in size:");
  for (const d of deltas.sort((a, b) => b.size - a.size).slice(0, 10)) lines.push(`  ${kb(d.size).padStart(12)}  ${`${d.count >= 0 ? "+" : ""}${d.count}`.padStart(8)} objects (now ${d.total})  ${d.key}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [earlier, later, marker] = process.argv.slice(2);
  if (!earlier || !later) throw new Error("usage: tsx bench/heap-diff.ts <earlier.heapsnapshot> <later.heapsnapshot> [marker]");
  for (const line of await compareSnapshots(earlier, later, marker)) process.stdout.write(`${line}\n`);
}
