import type { ServerBuild } from "@remix-run/node";
import { type AgnosticRouteMatch, type AgnosticRouteObject, matchRoutes } from "@remix-run/router";

/**
 * The app's routes as Express sees them before Remix does: which methods a URL accepts, and which of its segments
 * carry a secret. Read from the build itself, so a new route is covered without anyone listing it.
 */

type RouteNode = AgnosticRouteObject & { id: string; hasAction: boolean };

export type RouteMatch = {
  /** The route a GET renders (its deepest match). */
  leaf: RouteNode;
  /** The route a POST reaches, by Remix's own rule (`?index` picks an index route, else the deepest route with a path). */
  target: RouteNode;
  params: Record<string, string | undefined>;
};

/** Route params whose value signs someone in or grants access: never logged, never sent on as a referrer. */
const SECRET_PARAMS = new Set(["token"]);

export type RouteTable = {
  match(pathname: string, search: string): RouteMatch | null;
  /** Methods the URL answers; OPTIONS is always among them. */
  allowedMethods(pathname: string, search: string): string[];
  /** The pathname with every secret segment replaced by `[token]`. */
  redact(pathname: string): string;
  /** Whether the URL holds a secret in its path. */
  carriesSecret(pathname: string): boolean;
};

function buildTree(build: ServerBuild): RouteNode[] {
  const nodes = new Map<string, RouteNode & { parentId?: string }>();
  for (const [id, route] of Object.entries(build.routes)) {
    const node = {
      id,
      path: route.path,
      caseSensitive: route.caseSensitive,
      hasAction: typeof route.module.action === "function",
      parentId: route.parentId,
      ...(route.index ? { index: true as const } : { children: [] as RouteNode[] }),
    } as RouteNode & { parentId?: string };
    nodes.set(id, node);
  }
  const roots: RouteNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent && parent.children) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Single-fetch data URLs (`/records.data`, `/_root.data`) address the page they end in. */
export function pageOf(pathname: string): string {
  if (!pathname.endsWith(".data")) return pathname;
  const page = pathname.slice(0, -".data".length);
  return page === "/_root" ? "/" : page;
}

export function routeTable(build: ServerBuild): RouteTable {
  const tree = buildTree(build);

  const match = (pathname: string, search: string): RouteMatch | null => {
    // The router would warn on the console about a path it cannot decode; such a path matches nothing.
    if (safeDecode(pathname) === null) return null;
    const matches = matchRoutes(tree, pageOf(pathname)) as AgnosticRouteMatch<string, RouteNode>[] | null;
    if (!matches || matches.length === 0) return null;
    const leaf = matches[matches.length - 1]!.route;
    const nakedIndex = new URLSearchParams(search).getAll("index").some((value) => value === "");
    const pathContributing = matches.filter((m, i) => i === 0 || (m.route.path && m.route.path.length > 0));
    const target = leaf.index && nakedIndex ? leaf : pathContributing[pathContributing.length - 1]!.route;
    return { leaf, target, params: matches[matches.length - 1]!.params };
  };

  return {
    match,
    allowedMethods(pathname, search) {
      const found = match(pathname, search);
      const methods = ["GET", "HEAD", "OPTIONS"];
      if (pathname === "/__manifest") return methods;
      if (found?.target.hasAction) methods.push("POST");
      return methods;
    },
    redact(pathname) {
      const found = match(pathname, "");
      if (!found || !matchesCarrySecret(found)) return pathname;
      const secrets = new Set(Object.entries(found.params).flatMap(([name, value]) => (SECRET_PARAMS.has(name) && value ? [value] : [])));
      const page = pageOf(pathname);
      const redacted = page
        .split("/")
        .map((segment) => (secrets.has(safeDecode(segment) ?? segment) ? "[token]" : segment))
        .join("/");
      return page === pathname ? redacted : `${redacted}.data`;
    },
    carriesSecret(pathname) {
      const found = match(pathname, "");
      return found !== null && matchesCarrySecret(found);
    },
  };
}

function matchesCarrySecret(found: RouteMatch): boolean {
  return Object.entries(found.params).some(([name, value]) => SECRET_PARAMS.has(name) && value);
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const tables = new WeakMap<ServerBuild, RouteTable>();

/** One table per build: development rebuilds hand over a new build object, production keeps one. */
export function routeTableOf(build: ServerBuild): RouteTable {
  let table = tables.get(build);
  if (!table) {
    table = routeTable(build);
    tables.set(build, table);
  }
  return table;
}

export type RouteListing = { id: string; path: string; index: boolean; hasAction: boolean };

/** Every route's full path pattern (`/admin/clients/:clientId`), from the build: what the fuzz test walks. */
export function listRoutes(build: ServerBuild): RouteListing[] {
  const fullPath = (id: string): string => {
    const route = build.routes[id]!;
    const own = route.path ?? "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return own ? `${parent.replace(/\/$/, "")}/${own}` : parent || "/";
  };
  return Object.entries(build.routes).map(([id, route]) => ({ id, path: fullPath(id), index: route.index === true, hasAction: typeof route.module.action === "function" }));
}
