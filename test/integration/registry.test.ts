import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.server";
import { withPractice } from "../../db/with-practice.server";
import { createPractice, PracticeInputError, setPracticeStatus } from "../../tenants/practices.server";
import { PracticeRegistry } from "../../tenants/registry.server";
import { RESERVED_SUBDOMAINS } from "../../tenants/subdomain";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { errorCode } from "../support/errors";
import { waitFor } from "../support/processes";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

describe("a practice's subdomain", () => {
  it("can never be changed, not even by the owner role", async () => {
    const practice = await createPractice(db.owner.db, { subdomain: "permanent-vet", name: "Permanent Vet", kind: "veterinary" });
    const attempt = sql`update platform.practices set subdomain = 'moved-vet' where id = ${practice.id}`.execute(db.owner.db);
    await expect(attempt).rejects.toThrow(/cannot be changed/);
    const row = await db.owner.db.selectFrom("platform.practices").select("subdomain").where("id", "=", practice.id).executeTakeFirstOrThrow();
    expect(row.subdomain).toBe("permanent-vet");
  });

  it("allows other changes to the practice", async () => {
    await sql`update platform.practices set name = 'Permanent Veterinary' where subdomain = 'permanent-vet'`.execute(db.owner.db);
    const row = await db.owner.db.selectFrom("platform.practices").select("name").where("subdomain", "=", "permanent-vet").executeTakeFirstOrThrow();
    expect(row.name).toBe("Permanent Veterinary");
  });

  it("is refused by the database for every reserved label the code knows", async () => {
    const accepted: string[] = [];
    for (const label of RESERVED_SUBDOMAINS) {
      const insert = sql`insert into platform.practices (subdomain, name, kind) values (${label}, 'Reserved', 'human')`.execute(db.owner.db);
      const outcome = await insert.then(
        () => "inserted",
        (error: unknown) => errorCode(error),
      );
      if (outcome !== "23514") accepted.push(`${label}: ${outcome}`);
    }
    expect(accepted).toEqual([]);
  });

  it.each(["ab", "-abc", "abc-", "xn--abc", "Upper", "under_score", "a".repeat(64)])("is refused by the database when malformed: %s", async (label) => {
    const insert = sql`insert into platform.practices (subdomain, name, kind) values (${label}, 'Bad', 'human')`.execute(db.owner.db);
    await expect(insert).rejects.toSatisfy((error) => errorCode(error) === "23514");
  });

  it("is unique, and createPractice says so plainly", async () => {
    await createPractice(db.owner.db, { subdomain: "taken-physio", name: "Taken Physio", kind: "human" });
    await expect(createPractice(db.owner.db, { subdomain: "taken-physio", name: "Other", kind: "human" })).rejects.toThrow(
      new PracticeInputError("subdomain", "The subdomain 'taken-physio' is already taken."),
    );
  });

  it("rejects bad input before writing anything", async () => {
    await expect(createPractice(db.owner.db, { subdomain: "support", name: "Support", kind: "human" })).rejects.toBeInstanceOf(PracticeInputError);
    await expect(createPractice(db.owner.db, { subdomain: "fine-name", name: "x", kind: "human" })).rejects.toBeInstanceOf(PracticeInputError);
    // @ts-expect-error an unknown kind, as a CLI could pass it
    await expect(createPractice(db.owner.db, { subdomain: "fine-name", name: "Fine", kind: "dental" })).rejects.toBeInstanceOf(PracticeInputError);
    const row = await db.owner.db.selectFrom("platform.practices").select("id").where("subdomain", "in", ["support", "fine-name"]).executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe("resolution in a running server", () => {
  it("sees a practice created by another process within a second, and its suspension", async () => {
    // The registry listens on the runtime role's pool, as the server does; the practice is created over a separate
    // owner connection, as the CLI does from another process.
    const registry = new PracticeRegistry(db.app.db, { ttlMs: 60_000 });
    const unlisten = await registry.listen(db.app.sql);
    const operator = connect(db.ownerUrl, { max: 1 });
    try {
      expect(await registry.resolve("fresh-vet")).toBeUndefined();
      await createPractice(operator.db, { subdomain: "fresh-vet", name: "Fresh Vet", kind: "veterinary" });
      const created = await waitFor(() => registry.resolve("fresh-vet"), (p) => p !== undefined, 1_000);
      expect(created.value?.name).toBe("Fresh Vet");
      expect(created.elapsedMs).toBeLessThan(1_000);

      await setPracticeStatus(operator.db, "fresh-vet", "suspended");
      const suspended = await waitFor(() => registry.resolve("fresh-vet"), (p) => p?.status === "suspended", 1_000);
      expect(suspended.value?.status).toBe("suspended");
    } finally {
      await operator.close();
      await unlisten();
    }
  });
});

describe("the registry's cache", () => {
  it("keeps made-up subdomains in a bounded map of their own, so a flood of them never evicts a real practice", async () => {
    await createPractice(db.owner.db, { subdomain: "cached-vet", name: "Cached Vet", kind: "veterinary" });
    const registry = new PracticeRegistry(db.app.db, { maxMisses: 50 });
    expect((await registry.resolve("cached-vet"))?.name).toBe("Cached Vet");
    for (let i = 0; i < 120; i++) {
      expect(await registry.resolve(`made-up-${i}`)).toBeUndefined();
      expect(registry.size.misses).toBeLessThanOrEqual(50);
    }
    expect(registry.size.practices).toBe(1);
    // Still cached: renaming behind the registry's back (no notification is listened to here) is not seen yet.
    await db.owner.db.updateTable("platform.practices").set({ name: "Renamed Vet" }).where("subdomain", "=", "cached-vet").execute();
    expect((await registry.resolve("cached-vet"))?.name).toBe("Cached Vet");
  });
});

describe("practice contact details", () => {
  it("are refused by the database when they could inject into links, headers or subjects", async () => {
    const practice = await createPractice(db.owner.db, { subdomain: "careful-vet", name: "Careful Vet", kind: "veterinary" });
    for (const change of [{ website: "javascript:alert(1)" }, { website: "https://ok.example.com/ x" }, { email: "not an email" }, { phone: "555\r\nBcc: x" }]) {
      await expect(withPractice(db.owner.db, practice, (trx) => trx.updateTable("practice_settings").set(change).execute()), JSON.stringify(change)).rejects.toSatisfy(
        (error) => errorCode(error) === "23514",
      );
    }
    await expect(sql`update platform.practices set name = ${"Evil\r\nBcc: x"} where id = ${practice.id}`.execute(db.owner.db)).rejects.toSatisfy((error) => errorCode(error) === "23514");
  });
});
