import type { ActionFunctionArgs, ServerBuild } from "@remix-run/node";
import { isRequestBodyTooLarge } from "./request-body.server";

/**
 * Wraps every route's action so the form it reads is either a well-formed form of storable text or a 4xx: a missing
 * or truncated multipart boundary, a body that is not the form it claims to be, a body over the limit, or a NUL byte
 * (Postgres refuses it in text) never reaches the action's own code. Applied to the build, so every route with an
 * action is covered without naming it.
 */

export function unreadableForm(error: unknown): Response {
  if (isRequestBodyTooLarge(error)) return new Response("What you sent is larger than this form accepts.", { status: 413 });
  return new Response("The form could not be read. Please reload the page and send it again.", { status: 400 });
}

/** Throws a 400 Response when a field holds text Postgres cannot store. */
export function requireStorableText(form: FormData): void {
  for (const [name, value] of form) {
    if (name.includes("\0") || (typeof value === "string" && value.includes("\0"))) {
      throw new Response(`The field "${name.replace(/\0/g, "")}" contains a character that is not allowed.`, { status: 400 });
    }
  }
}

function guardFormReading(request: Request): Request {
  const read = request.formData.bind(request);
  Object.defineProperty(request, "formData", {
    value: async () => {
      let form: FormData;
      try {
        form = await read();
      } catch (error) {
        throw unreadableForm(error);
      }
      requireStorableText(form);
      return form;
    },
  });
  return request;
}

const guarded = new WeakMap<ServerBuild, ServerBuild>();

export function guardedBuild(build: ServerBuild): ServerBuild {
  let result = guarded.get(build);
  if (result) return result;
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const action = route.module.action;
    routes[id] = action ? { ...route, module: { ...route.module, action: (args: ActionFunctionArgs) => action({ ...args, request: guardFormReading(args.request) }) } } : route;
  }
  result = { ...build, routes };
  guarded.set(build, result);
  return result;
}
