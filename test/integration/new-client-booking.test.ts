import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, it } from "vitest";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestServer } from "../support/http";
import type { TestDatabase } from "../support/database";

let db: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  ({ db, server } = await startDemoServer());
});
afterAll(async () => {
  await server.close();
});
it("explores", async () => {
  void db;
  const a = await server.request("happy-paws.localhost:3000", "/book");
  writeFileSync("/tmp/nc/hp-book.html", `${a.status}\n${a.body}`);
  const b = await server.request("riverside-physio.localhost:3000", "/book");
  writeFileSync("/tmp/nc/rp-book.html", `${b.status}\n${b.body}`);
  const slot = /name="slot" value="([^"]+)"/.exec(a.body)?.[1] ?? "";
  const type = /name="type" value="([^"]+)"/.exec(a.body)?.[1] ?? "";
  const h = await postForm(server, "happy-paws.localhost:3000", "/book", [["type", type], ["slot", slot]]);
  writeFileSync("/tmp/nc/hp-hold.txt", `${h.status} ${JSON.stringify(h.headers)}\n${h.body}`);
  const loc = h.headers.location ?? "";
  const d = await server.request("happy-paws.localhost:3000", loc);
  writeFileSync("/tmp/nc/hp-details.html", `${d.status}\n${d.body}`);
  const c = await postForm(server, "happy-paws.localhost:3000", loc, [["firstName", "Ann"], ["lastName", "Bee"], ["email", "ann@example.com"], ["phone", "555 123 4567"], ["patientName", "Rex"], ["species", "Dog"], ["reason", "Check"]]);
  writeFileSync("/tmp/nc/hp-confirm.html", `${c.status}\n${c.body}`);
  await server.settled();
  const h2 = await postForm(server, "happy-paws.localhost:3000", "/book?index", [["type", type], ["slot", slot]]);
  writeFileSync("/tmp/nc/hp-hold2.txt", `${h2.status} ${JSON.stringify(h2.headers)}\n${h2.body}`);
  const home = await server.request("happy-paws.localhost:3000", "/");
  writeFileSync("/tmp/nc/hp-home.html", `${home.status}\n${home.body}`);
});
