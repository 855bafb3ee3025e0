import { createHash, randomBytes } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/**
 * The one place that knows how a session works, for all three audiences (docs/decisions/002-lucia-sessions.md):
 * how its secret is made and stored, how its cookie is named, written and read, when it is valid, how it ends and how
 * it is rotated. An audience brings only its storage: which table, and what its holder must still satisfy.
 */

export type SessionAudience = "client" | "staff" | "support";

/** `__Host-` in production: the browser then refuses the cookie unless it is Secure, host-only and Path=/. */
export function sessionCookieName(audience: SessionAudience, secure: boolean): string {
  const name = { client: "portico_session", staff: "portico_staff", support: "portico_support" }[audience];
  return secure ? `__Host-${name}` : name;
}

/** Sessions are stored under the SHA-256 of their secret: a copy of the table signs nobody in. */
export function sessionKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

// 200 bits, in lowercase base32: the shape every session cookie has had, so cookies issued before this module
// (by Lucia, which made them the same way) stay valid.
const SECRET_BYTES = 25;
const SECRET_SHAPE = /^[a-z2-7]{40}$/;

function newSecret(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(SECRET_BYTES));
}

/**
 * The secret in this audience's cookie, or undefined. Total: a header that is absent, garbled, badly percent-encoded
 * or carries a value of the wrong shape is read as "no session", never as an error. Only this cookie is looked at,
 * so another cookie's bad encoding costs nothing either; and nothing is decoded, since a secret has no character
 * that needs it.
 */
export function readSessionSecret(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator === -1 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    return SECRET_SHAPE.test(value) ? value : undefined;
  }
  return undefined;
}

function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, "HttpOnly", `Max-Age=${maxAgeSeconds}`, "Path=/", "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}

/** What the storage found under a key: nothing, a session its holder may no longer use, or a usable one. */
export type StoredSession<Holder> =
  | { state: "missing" }
  | { state: "refused" }
  | {
      state: "usable";
      holder: Holder;
      expiresAt: Date;
      /** The holder's privileges changed since this id was issued: the next response that can carry a cookie rotates it. */
      rotationDue?: boolean;
    };

/**
 * One audience's sessions table. Every method gets the stored key, never the secret. Rows carry their own absolute
 * expiry; rotation keeps it, so a new id never means a longer session.
 */
export type SessionStore<Holder, Draft, Stage> = {
  find(key: string, now: Date): Promise<StoredSession<Holder>>;
  insert(key: string, draft: Draft, now: Date): Promise<{ expiresAt: Date }>;
  /** Moves the row to `newKey` (optionally to a new stage), as issued now; undefined when the row is gone. */
  rekey(oldKey: string, newKey: string, stage: Stage | undefined, now: Date): Promise<{ expiresAt: Date } | undefined>;
  delete(key: string): Promise<void>;
};

export type ValidSession<Holder> = { holder: Holder; sessionKey: string; rotationDue: boolean };

export type Sessions<Holder, Draft, Stage> = {
  readonly cookieName: string;
  /** This request's session, or null; a session that may no longer be used is deleted here, for good. */
  validate(cookieHeader: string | null): Promise<ValidSession<Holder> | null>;
  /** Stores a new session; returns its Set-Cookie. */
  create(draft: Draft): Promise<string>;
  /**
   * A new id for the same session, after a privilege change (a second factor given, a password replaced, an access
   * upgrade): the old id stops working in the same transaction. Returns the new Set-Cookie, or undefined when the
   * session no longer exists (it ended, or a concurrent request already rotated it).
   */
  rotate(sessionKey: string, stage?: Stage): Promise<string | undefined>;
  invalidate(sessionKey: string): Promise<void>;
  blankCookie(): string;
};

export function sessionKernel<Holder, Draft, Stage>(audience: SessionAudience, store: SessionStore<Holder, Draft, Stage>, options: { secure: boolean; now: () => Date }): Sessions<Holder, Draft, Stage> {
  const cookieName = sessionCookieName(audience, options.secure);
  const cookieFor = (secret: string, expiresAt: Date, now: Date) => serializeCookie(cookieName, secret, Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)), options.secure);
  return {
    cookieName,
    async validate(cookieHeader) {
      const secret = readSessionSecret(cookieHeader, cookieName);
      if (!secret) return null;
      const key = sessionKey(secret);
      const now = options.now();
      const stored = await store.find(key, now);
      if (stored.state === "missing") return null;
      if (stored.state === "refused" || stored.expiresAt <= now) {
        await store.delete(key);
        return null;
      }
      return { holder: stored.holder, sessionKey: key, rotationDue: stored.rotationDue ?? false };
    },
    async create(draft) {
      const secret = newSecret();
      const now = options.now();
      const { expiresAt } = await store.insert(sessionKey(secret), draft, now);
      return cookieFor(secret, expiresAt, now);
    },
    async rotate(key, stage) {
      const secret = newSecret();
      const now = options.now();
      const rotated = await store.rekey(key, sessionKey(secret), stage, now);
      return rotated ? cookieFor(secret, rotated.expiresAt, now) : undefined;
    },
    async invalidate(key) {
      await store.delete(key);
    },
    blankCookie() {
      return serializeCookie(cookieName, "", 0, options.secure);
    },
  };
}
