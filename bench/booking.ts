/**
 * `npm run bench:booking`: online booking's slot search under load, beside the pets page of the same run. See
 * bench/README.md (`npm run bench:booking`).
 *
 * The issue's practice, built through the owner connection inside `withPractice` with multi-row inserts: PRACTITIONERS
 * bookable practitioners with weekday hours (08:00–12:00, 13:00–18:00 on the practice's clock), each weekday at one of
 * LOCATIONS locations (rotating), three bookable appointment types performed by all of them, CLIENTS clients with a
 * dog each (and an email, so they can sign in), and DAYS days of existing appointments from today on (scheduled or
 * confirmed, practitioner set, about BOOKED_SHARE of every practitioner's hours), at whichever location the
 * practitioner works that day. Every location is open: each request names one (the client's first choice on the
 * page), and its free times come from the hours worked there, while every appointment of its practitioners, at any
 * location, takes their time.
 *
 * 1. Engine in-process, before the server starts: ENGINE_CALLS request shapes (a client, a type, a first day within
 *    the next 60 days, a location, the page's 7 days), each timed as `findFreeSlots` (its four reads as the runtime role under
 *    row-level security, plus the engine) and as the pure engine `freeSlots` alone on the same inputs, held in memory
 *    from the generated data. Both must find the same times. Then EXPLAIN (ANALYZE, BUFFERS) of its busy-time read.
 * 2. Pages: the real server (`server/main.ts`, NODE_ENV=production, the image's 512 MB heap ceiling) in its own
 *    process; autocannon from loopback, CONNECTIONS connections, each request the next client (cookie) with a random
 *    type and first day: `GET /appointments/book?patient=…&type=…&date=…` (7 days of free times), then the pets page
 *    (`/home`) with the same clients, SECONDS each after WARMUP_SECONDS unreported: first as a closed loop (each
 *    connection sends its next request when the last is answered, which measures throughput, latency following from it),
 *    then paced at PACED_RATE requests a second, evenly spaced, over at most as many connections (open loop: the
 *    latency of a page at a rate the machine keeps up with). The CPU time of the server process and of Postgres per
 *    request, for each phase.
 *
 * Results: printed (requests, req/s, p50, p99, max, errors, the p99 < 50 ms verdict), with the load average before and
 * after, and bench/results/<date>-booking.json (git-ignored). Everything is removed at the end, on Ctrl-C too.
 *
 * Knobs: BENCH_SECONDS (30 per phase), BENCH_WARMUP (3), BENCH_PACED_RATE (20/s), BENCH_CLIENTS (200),
 * BENCH_ENGINE_CALLS (200), BENCH_PROFILE=<dir> (a CPU profile of the server, `node --cpu-prof`).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { CompiledQuery, sql } from "kysely";
import { type BusyTime, freeSlots, type WeeklyHours } from "../app/booking/slots";
import { addDays, zonedToUtc } from "../app/time";
import { bookingWindow, findFreeSlots, readBookingCatalogue, readBookingSettings } from "../app/use-cases/booking/booking-schedule.server";
import { todayIn } from "../app/visibility/portal-rules";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { startEmbeddedPostgres } from "../db/embedded-postgres.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { withPractice } from "../db/with-practice.server";
import { sessionCookieName } from "../server/auth/session-kernel.server";
import { ensureBuild, ROOT } from "../server/build.server";
import type { Practice } from "../tenants/practice";
import { createPractice } from "../tenants/practices.server";
import { requestTo } from "../test/support/http";
import { freePort } from "../test/support/processes";
import { sessionCookieFor } from "../test/support/sessions";
import { percentile, startServer, stopServer } from "./server-process";

const PRACTITIONERS = 20;
const LOCATIONS = 3;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const DAYS = 90;
/** The share of a practitioner's hours taken by existing appointments (the generator aims at it and reports what it got). */
const BOOKED_SHARE = 0.7;
/** Requests ask for a first day within this many days (the practice's booking_max_advance_days, the default 60). */
const ASK_WITHIN_DAYS = 60;
const CONNECTIONS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 3);
const ENGINE_CALLS = Number(process.env.BENCH_ENGINE_CALLS ?? 200);
/** The paced phases: requests a second over the same connections, well below what the machine serves. */
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 20);
const TARGET_P99_MS = 50;
/** The page shows 7 days side by side (DAYS_SHOWN in app/use-cases/portal/booking.server.ts). */
const DAYS_SHOWN = 7;
const TIME_ZONE = "America/New_York";
const SUBDOMAIN = "bench-booking";
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };
const DATABASE = "portico_bench_booking";
/** Weekday hours on the practice's clock, as minutes of the day: 08:00–12:00 and 13:00–18:00. */
const BLOCKS = [
  [8 * 60, 12 * 60],
  [13 * 60, 18 * 60],
] as const;
const TYPES = [
  { name: "Consultation", durationMinutes: 30, bufferMinutes: 0 },
  { name: "Vaccination", durationMinutes: 15, bufferMinutes: 0 },
  { name: "Dental check", durationMinutes: 45, bufferMinutes: 15 },
] as const;
const STEP_MINUTES = 15;

const log = (message: string) => process.stdout.write(`${message}\n`);

/** Set on Ctrl-C: the load in progress stops at once and nothing further starts. */
const run: { aborted: boolean; load?: autocannon.Instance } = { aborted: false };

function checkAborted(): void {
  if (run.aborted) throw new Error("interrupted");
}

/** Deterministic: the same practice and the same request shapes on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** ISO weekday (Monday = 1) of a calendar date. */
function weekdayOf(date: string): number {
  return ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

type Generated = {
  practice: Practice;
  practiceId: string;
  locationIds: string[];
  practitionerIds: string[];
  types: { id: string; durationMinutes: number; bufferMinutes: number }[];
  clients: { email: string; patientId: string; clientId: string }[];
  /** Every practitioner's hours, at every location, as the engine takes them. */
  hours: WeeklyHours[];
  /** Every existing appointment, its type's buffer added, as findFreeSlots makes busy time of it. */
  busy: (BusyTime & { startsAtMs: number; endsAtMs: number })[];
  appointments: number;
  appointmentsPerLocation: number[];
  bookedShare: number;
};

/**
 * The practice, through the owner connection inside withPractice: multi-row inserts, appointments in chunks. Practitioner
 * i works weekday w at location (i + w) mod LOCATIONS; all locations are open.
 */
async function buildPractice(ownerUrl: string): Promise<Generated> {
  const owner = connect(ownerUrl, { max: 2 });
  const rand = random(20261209);
  try {
    const practice = await createPractice(owner.db, { subdomain: SUBDOMAIN, name: "Bench Booking Vets", kind: "veterinary", timeZone: TIME_ZONE });
    const practice_id = practice.id;
    const generated = await withPractice(owner.db, practice, async (trx) => {
      await trx.updateTable("practice_settings").set({ phone: "555 0100", email: "desk@bench-booking.example.com", booking_mode: "direct" }).execute();
      const locations = await trx
        .insertInto("locations")
        .values(Array.from({ length: LOCATIONS }, (_, i) => ({ practice_id, name: ["Main Street", "Northside", "Riverside"][i] ?? `Location ${i + 1}`, address: `${i + 1} Bench Road`, phone: null, email: null, time_zone: TIME_ZONE, position: i, active: true })))
        .returning("id")
        .execute();
      const locationIds = locations.map((l) => l.id);
      const practitioners = await trx
        .insertInto("practitioners")
        .values(Array.from({ length: PRACTITIONERS }, (_, i) => ({ practice_id, external_id: `bench-pr-${i + 1}`, name: `Dr. Bench ${String(i + 1).padStart(2, "0")}`, title: "Veterinarian", bookable: true })))
        .returning(["id", "name"])
        .execute();
      const hours = practitioners.flatMap((p, i) =>
        [1, 2, 3, 4, 5].flatMap((weekday) => BLOCKS.map(([starts, ends]) => ({ practice_id, practitioner_id: p.id, location_id: locationIds[(i + weekday) % LOCATIONS]!, weekday, starts: hhmm(starts), ends: hhmm(ends) }))),
      );
      await trx.insertInto("practitioner_hours").values(hours).execute();
      const types = await trx
        .insertInto("appointment_types")
        .values(TYPES.map((t, i) => ({ practice_id, external_id: `bench-type-${i + 1}`, name: t.name, duration_minutes: t.durationMinutes, buffer_minutes: t.bufferMinutes, bookable_online: true })))
        .returning("id")
        .execute();
      await trx.insertInto("appointment_type_practitioners").values(types.flatMap((t) => practitioners.map((p) => ({ practice_id, appointment_type_id: t.id, practitioner_id: p.id })))).execute();
      await trx.insertInto("appointment_type_locations").values(types.flatMap((t) => locationIds.map((location_id) => ({ practice_id, appointment_type_id: t.id, location_id })))).execute();

      const clients = await trx
        .insertInto("clients")
        .values(Array.from({ length: CLIENTS }, (_, i) => ({ practice_id, first_name: `Client${i + 1}`, last_name: "Bench", phone: null })))
        .returning("id")
        .execute();
      const emails = clients.map((_, i) => `client-${i + 1}@bench-booking.example.com`);
      await trx.insertInto("client_emails").values(clients.map((c, i) => ({ practice_id, client_id: c.id, email: emails[i]!, is_primary: true }))).execute();
      const patients = await trx
        .insertInto("patients")
        .values(clients.map((c, i) => ({ practice_id, client_id: c.id, name: `Dog ${i + 1}`, species: "Dog", breed: "Mixed" })))
        .returning(["id", "client_id"])
        .execute();
      const patientOf = new Map(patients.map((p) => [p.client_id, p.id]));

      // Appointments: along each working block, an appointment of a random type with probability TAKE (its buffer
      // then kept free, rounded to the grid), otherwise a free step. TAKE is set so that appointments cover about
      // BOOKED_SHARE of the hours: p·E[duration] = share·(p·E[advance] + (1 − p)·step).
      const meanDuration = TYPES.reduce((s, t) => s + t.durationMinutes, 0) / TYPES.length;
      const meanAdvance = TYPES.reduce((s, t) => s + Math.ceil((t.durationMinutes + t.bufferMinutes) / STEP_MINUTES) * STEP_MINUTES, 0) / TYPES.length;
      const take = (BOOKED_SHARE * STEP_MINUTES) / (meanDuration - BOOKED_SHARE * meanAdvance + BOOKED_SHARE * STEP_MINUTES);
      const today = todayIn(TIME_ZONE, new Date());
      const rows: { practice_id: string; patient_id: string; location_id: string; practitioner_id: string; practitioner_name: string; appointment_type_id: string; reason: string; starts_at: Date; ends_at: Date; status: "scheduled" | "confirmed" }[] = [];
      const busy: Generated["busy"] = [];
      const perLocation = locationIds.map(() => 0);
      let worked = 0;
      let booked = 0;
      for (let d = 0; d < DAYS; d++) {
        const date = addDays(today, d);
        const weekday = weekdayOf(date);
        if (weekday > 5) continue;
        for (const [i, p] of practitioners.entries()) {
          const location = (i + weekday) % LOCATIONS;
          for (const [blockStart, blockEnd] of BLOCKS) {
            // Working hours never cross a daylight-saving change (at 02:00), so minutes add to the block's start.
            const origin = zonedToUtc(date, hhmm(blockStart), TIME_ZONE).getTime() - blockStart * 60_000;
            worked += blockEnd - blockStart;
            let t = blockStart;
            while (t < blockEnd) {
              const k = Math.floor(rand() * TYPES.length);
              const type = TYPES[k]!;
              if (rand() >= take || t + type.durationMinutes > blockEnd) {
                t += STEP_MINUTES;
                continue;
              }
              const startsAt = new Date(origin + t * 60_000);
              const endsAt = new Date(startsAt.getTime() + type.durationMinutes * 60_000);
              const client = clients[Math.floor(rand() * clients.length)]!;
              rows.push({ practice_id, patient_id: patientOf.get(client.id)!, location_id: locationIds[location]!, practitioner_id: p.id, practitioner_name: p.name, appointment_type_id: types[k]!.id, reason: type.name, starts_at: startsAt, ends_at: endsAt, status: rand() < 0.2 ? "confirmed" : "scheduled" });
              const busyEnd = endsAt.getTime() + type.bufferMinutes * 60_000;
              busy.push({ practitionerId: p.id, startsAt, endsAt: new Date(busyEnd), startsAtMs: startsAt.getTime(), endsAtMs: busyEnd });
              perLocation[location]!++;
              booked += type.durationMinutes;
              t += Math.ceil((type.durationMinutes + type.bufferMinutes) / STEP_MINUTES) * STEP_MINUTES;
            }
          }
        }
      }
      for (let i = 0; i < rows.length; i += 2000) await trx.insertInto("appointments").values(rows.slice(i, i + 2000)).execute();

      return {
        practice,
        practiceId: practice_id,
        locationIds,
        practitionerIds: practitioners.map((p) => p.id),
        types: types.map((t, i) => ({ id: t.id, durationMinutes: TYPES[i]!.durationMinutes, bufferMinutes: TYPES[i]!.bufferMinutes })),
        clients: clients.map((c, i) => ({ email: emails[i]!, clientId: c.id, patientId: patientOf.get(c.id)! })),
        hours: hours.map((h) => ({ practitionerId: h.practitioner_id, locationId: h.location_id, weekday: h.weekday, starts: h.starts, ends: h.ends })),
        busy,
        appointments: rows.length,
        appointmentsPerLocation: perLocation,
        bookedShare: booked / worked,
      };
    });
    // As autovacuum would after a load this size: the planner should know the tables' real sizes.
    await sql`analyze appointments, practitioners, practitioner_hours, appointment_types, appointment_type_practitioners, clients, client_emails, patients, locations`.execute(owner.db);
    return generated;
  } finally {
    await owner.close();
  }
}

type Shape = { client: number; type: number; location: number; date: string };

/** Request shapes: the next client each time, a random type and location, a random first day within ASK_WITHIN_DAYS. */
function shapes(count: number, today: string): Shape[] {
  const rand = random(7);
  return Array.from({ length: count }, (_, i) => ({ client: i % CLIENTS, type: Math.floor(rand() * TYPES.length), location: Math.floor(rand() * LOCATIONS), date: addDays(today, Math.floor(rand() * ASK_WITHIN_DAYS)) }));
}

type Timing = { calls: number; p50: number; p99: number; max: number; meanSlots: number };

function timing(samples: number[], slots: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { calls: samples.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN), meanSlots: Math.round(slots.reduce((s, n) => s + n, 0) / Math.max(1, slots.length)) };
}

/**
 * findFreeSlots as the page calls it (the runtime role, in withPractice, the page's 7 days from the asked day, all
 * practitioners of the type), one call per shape; and the pure engine on the same inputs from memory. Settings and
 * catalogue are read in the same transaction but not timed.
 */
async function timeEngine(appUrl: string, data: Generated, list: Shape[]): Promise<{ findFreeSlots: Timing; freeSlots: Timing; mismatches: number }> {
  const app = connect(appUrl, { max: 1 });
  const withReads: number[] = [];
  const pure: number[] = [];
  const found: number[] = [];
  let mismatches = 0;
  try {
    // Compiled code and prepared statements: a few unreported calls first.
    for (const [i, shape] of [...list.slice(0, 10), ...list].entries()) {
      checkAborted();
      const client = data.clients[shape.client]!;
      await withPractice(app.db, { id: data.practiceId }, async (trx) => {
        const settings = await readBookingSettings(trx);
        const catalogue = await readBookingCatalogue(trx, settings, client.clientId);
        if (!catalogue) throw new Error("no booking catalogue: the practice does not offer booking");
        const location = catalogue.locations.find((l) => l.id === data.locationIds[shape.location])!;
        const type = catalogue.types.find((t) => t.id === data.types[shape.type]!.id)!;
        const now = new Date();
        const from = zonedToUtc(shape.date, "00:00", settings.timeZone);
        const to = zonedToUtc(addDays(shape.date, DAYS_SHOWN), "00:00", settings.timeZone);
        const started = performance.now();
        const slots = await findFreeSlots(trx, { settings, location, type, practitionerIds: type.practitionerIds, from, to, now, ownHoldsOf: client.clientId });
        const tookWithReads = performance.now() - started;

        // The same inputs from memory: the window clamped as findFreeSlots clamps it, busy time as far back as it reads.
        const window = bookingWindow(settings, now);
        const clampedFrom = Math.max(from.getTime(), window.from.getTime());
        const clampedTo = Math.min(to.getTime(), window.to.getTime());
        const reachBack = clampedFrom - (240 + 24 * 60) * 60_000;
        const busy = data.busy.filter((b) => b.startsAtMs < clampedTo && b.endsAtMs > reachBack);
        const pureStarted = performance.now();
        const pureSlots =
          clampedFrom < clampedTo
            ? freeSlots({ timeZone: settings.timeZone, from: new Date(clampedFrom), to: new Date(clampedTo), durationMinutes: type.durationMinutes, bufferMinutes: type.bufferMinutes, stepMinutes: settings.stepMinutes, practitionerIds: type.practitionerIds, locationId: location.id, hours: data.hours.filter((h) => h.locationId === location.id), exceptions: [], busy })
            : [];
        const tookPure = performance.now() - pureStarted;
        if (i < 10) return;
        withReads.push(tookWithReads);
        pure.push(tookPure);
        found.push(slots.length);
        if (pureSlots.length !== slots.length || pureSlots.some((s, j) => s.startsAt.getTime() !== slots[j]!.startsAt.getTime() || s.practitionerId !== slots[j]!.practitionerId)) mismatches++;
      });
    }
  } finally {
    await app.close();
  }
  return { findFreeSlots: timing(withReads, found), freeSlots: timing(pure, found), mismatches };
}

type Plan = { ms: number; rows: number; sharedBuffers: number; scans: string[] };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of findFreeSlots' busy-time read of appointments for one shape, as the runtime role under
 * row-level security. The query is built here the way findFreeSlots builds it (it does not expose its queries).
 */
async function explainBusyRead(appUrl: string, data: Generated, shape: Shape): Promise<Plan> {
  const app = connect(appUrl, { max: 1 });
  try {
    return await withPractice(app.db, { id: data.practiceId }, async (trx) => {
      const from = zonedToUtc(shape.date, "00:00", TIME_ZONE);
      const to = zonedToUtc(addDays(shape.date, DAYS_SHOWN), "00:00", TIME_ZONE);
      const reachBack = new Date(from.getTime() - (240 + 24 * 60) * 60_000);
      const query = trx
        .selectFrom("appointments as a")
        .leftJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "a.practice_id").onRef("t.id", "=", "a.appointment_type_id"))
        .select(["a.practitioner_id", "a.starts_at", "a.ends_at", "t.buffer_minutes"])
        .where("a.practitioner_id", "in", data.practitionerIds)
        .where("a.status", "in", ["scheduled", "confirmed"])
        .where("a.starts_at", "<", to)
        .where("a.ends_at", ">", reachBack)
        .compile();
      const result = await trx.executeQuery<{ "QUERY PLAN": unknown }>(CompiledQuery.raw(`explain (analyze, buffers, format json) ${query.sql}`, [...query.parameters]));
      const raw = result.rows[0]!["QUERY PLAN"];
      const [root] = (typeof raw === "string" ? JSON.parse(raw) : raw) as { "Execution Time": number; Plan: PlanNode }[];
      const scans: string[] = [];
      const walk = (node: PlanNode) => {
        if (node["Relation Name"]) scans.push(`${node["Node Type"]} on ${node["Relation Name"]}${node["Index Name"] ? ` (${node["Index Name"]})` : ""}`);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(root!.Plan);
      return { ms: Math.round(root!["Execution Time"] * 100) / 100, rows: root!.Plan["Actual Rows"], sharedBuffers: (root!.Plan["Shared Hit Blocks"] ?? 0) + (root!.Plan["Shared Read Blocks"] ?? 0), scans };
    });
  } finally {
    await app.close();
  }
}

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Actual Rows": number; "Shared Hit Blocks"?: number; "Shared Read Blocks"?: number; Plans?: PlanNode[] };

/** CPU seconds used so far by one process: /proc/<pid>/stat, user + system, in clock ticks of 1/100 s. */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return stat ? (Number(fields[11]) + Number(fields[12])) / 100 : 0;
}

/** CPU seconds used so far by this run's Postgres: the postmaster and every process it started (backends stay open in the pools). */
async function postgresCpuSeconds(pgDataDir: string): Promise<number> {
  const postmaster = Number((await fs.readFile(path.join(pgDataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  let total = await processCpuSeconds(postmaster);
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (stat && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster) total += await processCpuSeconds(Number(entry));
  }
  return total;
}

type Phase = { name: string; requests: number; rps: number; p50: number; p99: number; max: number; errors: number; codes: Record<string, number>; seconds: number; withoutTimes?: number; serverCpuMsPerRequest?: number; postgresCpuMsPerRequest?: number };

/** One page for `seconds` over CONNECTIONS connections, each request built for the next turn. */
function load(port: number, name: string, seconds: number, build: (turn: number) => { path: string; cookie: string }, host: string, onBody?: (body: string) => void): Promise<Phase> {
  checkAborted();
  let turn = 0;
  return new Promise((resolve, reject) => {
    run.load = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 20,
        requests: [
          {
            setupRequest: (request) => {
              const r = build(turn++);
              return { ...request, method: "GET", path: r.path, headers: { host, cookie: r.cookie } };
            },
            ...(onBody ? { onResponse: (status: number, body: string) => void (status === 200 && onBody(body)) } : {}),
          },
        ],
      },
      (error, result) => {
        run.load = undefined;
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const codes = Object.fromEntries(Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
        const requests = Object.values(codes).reduce((sum, n) => sum + n, 0);
        const non2xx = Object.entries(codes).filter(([code]) => !code.startsWith("2")).reduce((sum, [, n]) => sum + n, 0);
        resolve({ name, requests, seconds: result.duration, rps: Math.round(requests / result.duration), p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, errors: non2xx + result.errors + result.timeouts, codes });
      },
    );
  });
}

/**
 * Open loop: PACED_RATE requests a second, evenly spaced whatever the server does, over at most CONNECTIONS kept-alive
 * connections. Latency runs from when the request was due, so time spent waiting for a free connection counts.
 * (autocannon's own rate limit sends each connection's share at the same instant of every second, a burst.)
 */
async function paced(port: number, name: string, seconds: number, build: (turn: number) => { path: string; cookie: string }, host: string): Promise<Phase> {
  checkAborted();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let failures = 0;
  const count = Math.round(seconds * PACED_RATE);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  try {
    for (let turn = 0; turn < count && !run.aborted; turn++) {
      const due = started + (turn * 1000) / PACED_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const r = build(turn);
      inFlight.push(
        new Promise<void>((resolve) => {
          const req = http.request({ host: "127.0.0.1", port, path: r.path, headers: { host, cookie: r.cookie }, agent, timeout: 20_000 }, (res) => {
            res.resume();
            res.on("end", () => {
              codes[res.statusCode ?? 0] = (codes[res.statusCode ?? 0] ?? 0) + 1;
              latencies.push(performance.now() - due);
              resolve();
            });
          });
          req.on("timeout", () => req.destroy(new Error("timeout")));
          req.on("error", () => {
            failures++;
            resolve();
          });
          req.end();
        }),
      );
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const took = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const requests = Object.values(codes).reduce((sum, n) => sum + n, 0);
  const non2xx = Object.entries(codes).filter(([code]) => !code.startsWith("2")).reduce((sum, [, n]) => sum + n, 0);
  return { name, requests, seconds: Math.round(took * 10) / 10, rps: Math.round(requests / took), p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted.at(-1) ?? NaN), errors: non2xx + failures, codes };
}

const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100);

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-bench-booking-"));
  await fs.chmod(dataDir, 0o755);
  const [cluster] = await Promise.all([startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port: await freePort() }), ensureBuild(log)]);
  let server: { child: ChildProcess; tail: () => string } | undefined;
  // Once, whether the run ends or is interrupted (both may ask at the same time).
  let stopped: Promise<void> | undefined;
  const stopEverything = () =>
    (stopped ??= (async () => {
      if (server) await stopServer(server.child).catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      await fs.rm(dataDir, { recursive: true, force: true });
    })());
  // An interrupted run must not leave a server and Postgres behind to skew the next one.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      run.aborted = true;
      run.load?.stop();
      void stopEverything().finally(() => process.exit(130));
    });
  try {
    const superUrl = withCredentials(`postgres://127.0.0.1:${cluster.port}/postgres`, "postgres", cluster.superuserPassword);
    await ensureEmbeddedDatabase(superUrl, DATABASE, PASSWORDS);
    const ownerUrl = withCredentials(withDatabase(superUrl, DATABASE), "portico_owner", PASSWORDS.owner);
    const appUrl = withCredentials(withDatabase(superUrl, DATABASE), "portico_app", PASSWORDS.app);
    const owner = connect(ownerUrl, { max: 2 });
    await migrateMainDatabase(owner.db);
    await owner.close();

    const built = performance.now();
    const data = await buildPractice(ownerUrl);
    log(`booking: one veterinary practice (${TIME_ZONE}): ${PRACTITIONERS} bookable practitioners, weekdays 08:00–12:00 and 13:00–18:00, each weekday at one of ${LOCATIONS} locations; ${TYPES.length} types (${TYPES.map((t) => `${t.durationMinutes}${t.bufferMinutes ? `+${t.bufferMinutes}` : ""} min`).join(", ")}) performed by all`);
    log(`  ${CLIENTS} clients with a dog each; ${data.appointments.toLocaleString("en-US")} existing appointments over the next ${DAYS} days (${data.appointmentsPerLocation.join(" / ")} per location), ${Math.round(data.bookedShare * 100)}% of the practitioners' hours; built in ${((performance.now() - built) / 1000).toFixed(1)} s`);
    log(`  all ${LOCATIONS} locations open: each request names one, and its free times come from the hours worked there`);

    const today = todayIn(TIME_ZONE, new Date());
    const list = shapes(Math.max(ENGINE_CALLS, 20_000), today);

    // Engine first, on a quiet server: the reads and the engine, then the engine alone.
    const engine = await timeEngine(appUrl, data, list.slice(0, ENGINE_CALLS));
    log(`\nengine in-process, ${ENGINE_CALLS} shapes (a random type and location, a random first day within ${ASK_WITHIN_DAYS} days, ${DAYS_SHOWN} days, all ${PRACTITIONERS} practitioners), about ${engine.findFreeSlots.meanSlots} free times each:`);
    log(`  findFreeSlots (4 reads as the runtime role under RLS + engine): p50 ${engine.findFreeSlots.p50} ms  p99 ${engine.findFreeSlots.p99} ms  max ${engine.findFreeSlots.max} ms`);
    log(`  freeSlots alone (pure engine, same inputs from memory):         p50 ${engine.freeSlots.p50} ms  p99 ${engine.freeSlots.p99} ms  max ${engine.freeSlots.max} ms`);
    log(`  same free times from both: ${engine.mismatches === 0 ? "yes" : `NO, ${engine.mismatches} shapes differ`}`);
    const plan = await explainBusyRead(appUrl, data, list[0]!);
    log(`  its busy-time read of appointments (EXPLAIN ANALYZE, runtime role, RLS): ${plan.ms} ms, ${plan.rows} rows, ${plan.sharedBuffers} buffers; ${plan.scans.join(", ")}`);

    // Sign the clients in directly, as the tests do; production names the cookie `__Host-…`.
    const app = connect(appUrl, { max: 1 });
    const cookies: string[] = [];
    try {
      for (const client of data.clients) cookies.push((await sessionCookieFor({ app }, data.practice, client.email)).replace(/^[^=]+=/, `${sessionCookieName("client", true)}=`));
    } finally {
      await app.close();
    }

    const port = await freePort();
    server = await startServer({
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: ownerUrl,
      DATABASE_APP_PASSWORD: PASSWORDS.app,
      TRUST_PROXY: "loopback",
      PUBLIC_SCHEME: "http",
      PUBLIC_PORT: String(port),
      EMAIL_TRANSPORT: "log",
      LOG_LEVEL: "warn",
    }, process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(process.env.BENCH_PROFILE)] : []);
    const host = `${SUBDOMAIN}.localhost:${port}`;
    const bookingPath = (shape: Shape) => `/appointments/book?location=${data.locationIds[shape.location]}&patient=${data.clients[shape.client]!.patientId}&type=${data.types[shape.type]!.id}&date=${shape.date}`;
    // One page by hand first: the booking page must answer with free times, or the load would measure an error page.
    const probe = await requestTo(port, host, bookingPath(list[0]!), { headers: { cookie: cookies[0]! } });
    if (probe.status !== 200 || !/name="slot"/.test(probe.body)) throw new Error(`the booking page did not offer times: HTTP ${probe.status}\n${probe.body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(0, 500)}`);

    const booking = (turn: number) => {
      const shape = list[turn % list.length]!;
      return { path: bookingPath(shape), cookie: cookies[shape.client]! };
    };
    const pets = (turn: number) => ({ path: "/home", cookie: cookies[turn % CLIENTS]! });
    log(`\npages: server/main.ts in its own process (NODE_ENV=production, 512 MB heap); autocannon from loopback, ${CONNECTIONS} connections, the next client on each request, ${SECONDS} s each after ${WARMUP_SECONDS} s unreported`);
    // Warm-up (not reported): compiled code, prepared statements, connection pools.
    await load(port, "warm-up", WARMUP_SECONDS, booking, host);
    await load(port, "warm-up", WARMUP_SECONDS, pets, host);
    const serverPid = server.child.pid!;
    /** A phase, with the CPU the server process and Postgres spent per request during it. */
    const pgDataDir = path.join(dataDir, "pg", "postgres");
    const measured = async (measure: () => Promise<Phase>) => {
      const before = { server: await processCpuSeconds(serverPid), postgres: await postgresCpuSeconds(pgDataDir) };
      const phase = await measure();
      const after = { server: await processCpuSeconds(serverPid), postgres: await postgresCpuSeconds(pgDataDir) };
      phase.serverCpuMsPerRequest = Math.round(((after.server - before.server) * 1000 * 10) / phase.requests) / 10;
      phase.postgresCpuMsPerRequest = Math.round(((after.postgres - before.postgres) * 1000 * 10) / phase.requests) / 10;
      return phase;
    };
    let withoutTimes = 0;
    const bookingPhase = await measured(() => load(port, "booking page, 7 days of free times", SECONDS, booking, host, (body) => void (/name="slot"/.test(body) || withoutTimes++)));
    bookingPhase.withoutTimes = withoutTimes;
    const petsPhase = await measured(() => load(port, "pets page (/home)", SECONDS, pets, host));
    const bookingPaced = await measured(() => paced(port, `booking page, paced ${PACED_RATE}/s`, SECONDS, booking, host));
    const petsPaced = await measured(() => paced(port, `pets page, paced ${PACED_RATE}/s`, SECONDS, pets, host));
    const loadAfter = loadAverage();

    log("  page                                  requests   req/s    p50     p99     max   errors  statuses");
    for (const p of [bookingPhase, petsPhase, bookingPaced, petsPaced])
      log(`  ${p.name.padEnd(37)} ${String(p.requests).padStart(8)} ${String(p.rps).padStart(7)} ${`${p.p50} ms`.padStart(7)} ${`${p.p99} ms`.padStart(7)} ${`${p.max} ms`.padStart(7)} ${String(p.errors).padStart(8)}  ${Object.entries(p.codes).map(([c, n]) => `${c}×${n}`).join(" ")}`);
    log(`  booking pages whose asked day had no free time (weekends, full days): ${withoutTimes} of ${bookingPhase.requests}`);
    log(`  CPU per request (closed loop): booking page ${bookingPhase.serverCpuMsPerRequest} ms in the server process + ${bookingPhase.postgresCpuMsPerRequest} ms in Postgres; pets page ${petsPhase.serverCpuMsPerRequest} + ${petsPhase.postgresCpuMsPerRequest} ms`);
    const met = bookingPhase.p99 < TARGET_P99_MS && bookingPhase.errors === 0;
    const metPaced = bookingPaced.p99 < TARGET_P99_MS && bookingPaced.errors === 0;
    log(`\n  target: booking page p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} connections, closed loop → ${met ? "met" : "NOT met"} (p99 ${bookingPhase.p99} ms; pets page p99 ${petsPhase.p99} ms in the same run)`);
    log(`          the same ${CONNECTIONS} connections paced at ${PACED_RATE}/s → ${metPaced ? "met" : "NOT met"} (p99 ${bookingPaced.p99} ms; pets page p99 ${petsPaced.p99} ms)`);
    log(`  load average (1, 5, 15 min) before: ${loadBefore.join(", ")}; after: ${loadAfter.join(", ")} on ${os.cpus().length} cores`);

    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}-booking.json`);
    await fs.writeFile(
      file,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          settings: { pacedRate: PACED_RATE, practitioners: PRACTITIONERS, locations: LOCATIONS, activeLocations: LOCATIONS, clients: CLIENTS, days: DAYS, connections: CONNECTIONS, seconds: SECONDS, engineCalls: ENGINE_CALLS, timeZone: TIME_ZONE },
          data: { appointments: data.appointments, appointmentsPerLocation: data.appointmentsPerLocation, bookedShare: Math.round(data.bookedShare * 1000) / 1000 },
          engine,
          busyReadPlan: plan,
          pages: { booking: bookingPhase, pets: petsPhase, bookingPaced, petsPaced },
          target: { p99UnderMs: TARGET_P99_MS, metClosedLoop: met, metPaced },
          loadAverage: { before: loadBefore, after: loadAfter, cores: os.cpus().length },
        },
        null,
        2,
      ),
    );
    log(`\n  written ${path.relative(ROOT, file)}`);
    if ([bookingPhase, petsPhase, bookingPaced, petsPaced].some((p) => p.errors)) log(`  errors: the last server output:\n${server.tail().slice(-3000)}`);
  } finally {
    await stopEverything();
  }
}

// Interrupted: the signal handler finishes the clean-up and exits.
await main().catch((error: unknown) => {
  if (!run.aborted) throw error;
});
