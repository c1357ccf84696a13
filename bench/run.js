#!/usr/bin/env node
/*
 * Load benchmark: the built app on a fresh SQLite database against a bare NestJS-on-Fastify hello
 * server, both driven by autocannon in the same run, alternating, several rounds. Prints one table
 * with each project figure as a ratio to bare hello, the stampede outcome, and how throughput holds
 * up as the database fills (an empty and a preloaded database behind two apps, taken in turn).
 *
 *   npm run bench                        # defaults: 3 rounds × 5 s, 50 connections, 200k preload
 *   npm run bench -- --preload 1000000 --rounds 5 --duration 10
 */
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const sqlite3 = require('sqlite3');
const { nik, code, applicant, insertRows } = require('./data');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]?.startsWith('--') || all[i + 1] === undefined ? 'true' : all[i + 1]]] : pairs), []),
);
const ROUNDS = Number(args.rounds ?? 3);
const DURATION = Number(args.duration ?? 5);
const CONNECTIONS = Number(args.connections ?? 50);
const PRELOAD = Number(args.preload ?? 200000);
/** `--only lookup,check-in`: just those throughput scenarios; `scaling` and `stampede` name the other parts. */
const ONLY = args.only ? args.only.split(',') : null;
/** `--profile DIR`: the app writes a V8 CPU profile there (open it in Chrome DevTools). */
const PROFILE_DIR = args.profile;
const APP_PORT = 4100;
const HELLO_PORT = 4101;
/** The two apps of the scaling part: an empty database and a full one. */
const SCALING_PORTS = [4102, 4103];
const APP = `http://127.0.0.1:${APP_PORT}`;
const ADMIN = { username: 'admin', password: 'bench-admin-password' };

const TARGETS = { booking: 0.15, lookup: 0.35, 'check-in': 0.15 };

// ---------------------------------------------------------------------------------------------
// processes

/** Every server this run started, stopped on the way out whatever happens. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

/** Refuses to start on a port something (a server left over from an interrupted run) still holds. */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use; stop whatever listens there (an earlier bench run?) and try again`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Resolves once `child` answers on `url`; fails if it exits first (a port still taken by an earlier run, say). */
function waitFor(child, url, timeoutMs = 30000) {
  children.add(child);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${url}: the server exited (code ${code}) before answering; is its port still in use?`)));
    const attempt = () => {
      if (child.exitCode !== null) return;
      fetch(url)
        .then((res) => (res.ok ? resolve() : retry()))
        .catch(retry);
    };
    const retry = () => (Date.now() - started > timeoutMs ? reject(new Error(`${url} did not come up`)) : setTimeout(attempt, 200));
    attempt();
  });
}

async function startApp(dbPath, port = APP_PORT) {
  await assertPortFree(port);
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DB_TYPE: 'sqlite',
      DB_PATH: dbPath,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      SEED_DEMO: 'false',
      // The benchmark hammers from one address on purpose.
      LOGIN_RATE_LIMIT: '100000',
      LOOKUP_FAILURE_LIMIT: '100000',
      LOG_REQUESTS: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(child, `http://127.0.0.1:${port}/health`);
  servers.set(String(port), child.pid);
  return child;
}

async function startHello() {
  await assertPortFree(HELLO_PORT);
  const child = spawn(process.execPath, [join(__dirname, 'hello-server.js')], { env: { ...process.env, PORT: String(HELLO_PORT) }, stdio: 'ignore' });
  await waitFor(child, `http://127.0.0.1:${HELLO_PORT}/`);
  return child;
}

// ---------------------------------------------------------------------------------------------
// setup through the public API

async function api(method, path, body, token, base = APP) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A fixed-offset zone where it is mid-morning now, so a slot "soon today" fits in the local day. */
function morningZone() {
  let offset = 9 - new Date().getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  return { zone: offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`, offsetHours: offset };
}

const hhmm = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const localDate = (offsetHours, days = 0) => new Date(Date.now() + offsetHours * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

async function setup(db) {
  const { token } = { token: (await api('POST', '/auth/login', ADMIN)).accessToken };
  const { zone, offsetHours } = morningZone();
  // Check-in offices: a slot holds at most 10,000 seats, so the check-in crowd is spread over several.
  const checkInOffices = Array.from({ length: 12 }, (_, i) => `BENCH-CI${i + 1}`);
  const offices = ['BENCH', ...checkInOffices, 'BENCH-Q10', 'BENCH-Q10K', 'STAMPEDE'];
  for (const officeCode of offices) await api('POST', '/offices', { code: officeCode, name: `Bench ${officeCode}`, timeZone: zone, dailyExpressQuota: 100000 }, token);
  for (const officeCode of ['BENCH-Q10', 'BENCH-Q10K']) {
    for (let n = 1; n <= CONNECTIONS; n++) {
      await api('POST', `/offices/${officeCode}/counters`, { number: n }, token);
      await api('POST', `/offices/${officeCode}/counters/${n}/open`, undefined, token);
    }
  }
  // Future slots for bookings: 90 days × 20 half-hours × 100 seats.
  const slotIds = [];
  for (let day = 1; day <= 90; day += 45) {
    const slots = [];
    for (let d = day; d < day + 45; d++) for (let m = 7 * 60; m < 17 * 60; m += 30) slots.push({ date: localDate(offsetHours, d), start: hhmm(m), end: hhmm(m + 30), capacity: 100 });
    slotIds.push(...(await api('POST', '/offices/BENCH/slots', { slots }, token)).map((s) => s.id));
  }
  // A slot starting in 20 minutes (office time): its appointments can check in now.
  const nowLocal = new Date(Date.now() + offsetHours * 3600e3);
  const startMinute = Math.ceil((nowLocal.getUTCHours() * 60 + nowLocal.getUTCMinutes() + 20) / 5) * 5;
  const checkInSlots = [];
  for (const officeCode of checkInOffices) {
    const [slot] = await api('POST', `/offices/${officeCode}/slots`, { date: localDate(offsetHours), start: hhmm(startMinute), end: hhmm(startMinute + 180), capacity: 10000 }, token);
    checkInSlots.push(slot);
  }
  const [stampedeSlot] = await api('POST', '/offices/STAMPEDE/slots', { date: localDate(offsetHours, 1), start: '09:00', end: '09:30', capacity: 50 }, token);

  // Appointments to check in, and waiting queues of 10 and 10,000, written straight into the database.
  const now = new Date().toISOString();
  const checkIns = [];
  const rows = [];
  for (let i = 0; i < checkInSlots.length * 10000; i++) {
    const slot = checkInSlots[i % checkInSlots.length];
    const c = code(i, 'C');
    checkIns.push({ code: c, nik: nik(5_000_000 + i) });
    rows.push([c, slot.officeCode, slot.id, 'NEW', 'BOOKED', nik(5_000_000 + i), 'Warga Bench', '081200000000', 0, now, now]);
  }
  await insertRows(db, 'appointments', ['code', 'officeCode', 'slotId', 'serviceType', 'status', 'nik', 'fullName', 'phone', 'manual', 'createdAt', 'updatedAt'], rows);
  await run(db, 'UPDATE slots SET booked = 10000 WHERE id IN (' + checkInSlots.map((x) => x.id).join(',') + ')');
  await preloadWaiting(db, 'BENCH-Q10', localDate(offsetHours), 10);
  await preloadWaiting(db, 'BENCH-Q10K', localDate(offsetHours), 10000);
  return { token, slotIds, checkIns, stampedeSlot };
}

async function preloadWaiting(db, officeCode, serviceDate, count) {
  const { callKey } = require('../dist/src/queue/queue.rules');
  const rows = [];
  for (let i = 1; i <= count; i++) {
    const checkedInAt = new Date(Date.now() - (count - i) * 1000).toISOString();
    const number = `P${String(i).padStart(5, '0')}`;
    const key = callKey({ priority: false, expressActive: false, kind: 'WALK_IN', slotStartsAt: null, checkedInAt, number });
    rows.push([officeCode, serviceDate, number, 'WALK_IN', 'NEW', 0, 'WAITING', 0, 'Warga Bench', checkedInAt, 0, key]);
  }
  await insertRows(db, 'tickets', ['officeCode', 'serviceDate', 'number', 'kind', 'serviceType', 'priority', 'status', 'manual', 'applicantName', 'checkedInAt', 'recallCount', 'callKey'], rows);
}

/** N BOOKED appointments straight into the database, spread over many slots (the "full database"). */
async function preloadBookings(db, count) {
  const slots = await all(db, "SELECT id FROM slots WHERE officeCode = 'BENCH-FULL'");
  const now = new Date().toISOString();
  const batch = 100000;
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      rows.push([code(i, 'P'), 'BENCH-FULL', slots[i % slots.length].id, 'RENEWAL', 'BOOKED', nik(10_000_000 + i), 'Warga Bench', '081200000000', 0, now, now]);
    }
    await insertRows(db, 'appointments', ['code', 'officeCode', 'slotId', 'serviceType', 'status', 'nik', 'fullName', 'phone', 'manual', 'createdAt', 'updatedAt'], rows);
  }
}

const run = (db, sql, params = []) => new Promise((ok, fail) => db.run(sql, params, (err) => (err ? fail(err) : ok())));
const all = (db, sql, params = []) => new Promise((ok, fail) => db.all(sql, params, (err, rows) => (err ? fail(err) : ok(rows))));

// ---------------------------------------------------------------------------------------------
// scenarios

/** Server processes by port, so each run can report the CPU its server used (Linux /proc; blank elsewhere). */
const servers = new Map();

/** CPU seconds a process has used so far, all its threads (utime + stime, in clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function cannon(options) {
  const pid = servers.get(new URL(options.url).port);
  const cpuBefore = pid && cpuSeconds(pid);
  const started = Date.now();
  const result = await new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...options }, (err, res) => (err ? reject(err) : resolve(res)));
  });
  const cpuAfter = pid && cpuSeconds(pid);
  result.serverCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / ((Date.now() - started) / 1000);
  return result;
}

function summary(result) {
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts, cpu: result.serverCpu };
}

function scenarios(state, base = APP) {
  let booked = 0;
  let looked = 0;
  let checkedIn = 0;
  let counterSeq = 0;
  let walkIns = 0;
  const json = { 'content-type': 'application/json' };
  const auth = { authorization: `Bearer ${state.token}` };
  const staff = { ...json, ...auth };
  const cycle = (officeCode) => ({
    url: base,
    requests: [
      {
        method: 'POST',
        headers: staff,
        setupRequest: (req, context) => {
          context.counter ??= (counterSeq++ % CONNECTIONS) + 1;
          return { ...req, path: `/offices/${officeCode}/walk-ins`, body: JSON.stringify({ serviceType: 'NEW', applicant: applicant(20_000_000 + walkIns++) }) };
        },
      },
      { method: 'POST', headers: auth, setupRequest: (req, context) => ({ ...req, path: `/offices/${officeCode}/counters/${context.counter}/call-next` }) },
      { method: 'POST', headers: auth, setupRequest: (req, context) => ({ ...req, path: `/offices/${officeCode}/counters/${context.counter}/start` }) },
      { method: 'POST', headers: auth, setupRequest: (req, context) => ({ ...req, path: `/offices/${officeCode}/counters/${context.counter}/complete` }) },
    ],
  });
  return {
    hello: () => ({ url: `http://127.0.0.1:${HELLO_PORT}/` }),
    booking: (officeCode = 'BENCH', slotIds = state.slotIds) => ({
      url: base,
      requests: [
        {
          method: 'POST',
          path: '/appointments',
          headers: json,
          setupRequest: (req, context) => {
            const i = booked++;
            context.nik = nik(i);
            return { ...req, body: JSON.stringify({ officeCode, slotId: slotIds[i % slotIds.length], serviceType: 'NEW', applicant: applicant(i) }) };
          },
          onResponse: (status, body, context) => {
            if (status === 201 && state.lookups.length < 50000) state.lookups.push({ code: JSON.parse(body).code, nik: context.nik });
          },
        },
      ],
    }),
    lookup: () => ({
      url: base,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            const target = state.lookups[looked++ % state.lookups.length];
            return { ...req, path: `/appointments/${target.code}`, headers: { 'x-applicant-nik': target.nik } };
          },
        },
      ],
    }),
    'check-in': () => ({
      url: base,
      requests: [
        {
          method: 'POST',
          headers: json,
          setupRequest: (req) => {
            const target = state.checkIns[checkedIn++];
            return { ...req, path: `/appointments/${target.code}/check-in`, headers: { ...json, 'x-applicant-nik': target.nik }, body: '{}' };
          },
        },
      ],
    }),
    cycle,
    board: () => ({ url: `${base}/offices/BENCH-Q10/board` }),
  };
}

// ---------------------------------------------------------------------------------------------

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function combine(runs) {
  const cpus = runs.map((r) => r.cpu).filter((c) => c !== undefined);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    cpu: cpus.length ? median(cpus) : undefined,
  };
}

function printTable(title, rows) {
  console.log(`\n${title}`);
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU', 'ratio', 'target'];
  const lines = rows.map((r) => [
    r.name,
    r.rps.toFixed(0),
    String(r.p50),
    String(r.p99),
    String(r.non2xx),
    String(r.errors),
    r.cpu === undefined ? '' : `${Math.round(r.cpu * 100)} %`,
    r.ratio === undefined ? '' : r.ratio.toFixed(3),
    r.target ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

async function stampede(slot) {
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      fetch(`${APP}/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ officeCode: 'STAMPEDE', slotId: slot.id, serviceType: 'NEW', applicant: applicant(30_000_000 + i) }),
      }).then(async (res) => ({ status: res.status, code: res.status === 409 ? (await res.json()).code : undefined })),
    ),
  );
  const counts = {};
  for (const r of results) counts[r.code ? `${r.status} ${r.code}` : String(r.status)] = (counts[`${r.code ? `${r.status} ${r.code}` : r.status}`] ?? 0) + 1;
  return counts;
}

/**
 * Booking and look-up on an empty and on a full database. Empty and full used to be one database
 * before and after the preload, measured minutes apart, so the host's drift (a bare hello run here
 * moves by a third within minutes) fell between them: one run gave 0.75 for look-ups whose raw
 * figures had risen. Now two apps run side by side on two fresh databases with the same office
 * and slots, one preloaded, and each round measures one and then the other (in alternating order),
 * so the drift falls on both alike; the ratio is the median of the rounds' full ÷ empty.
 */
async function scalingRuns(folder) {
  const sides = {};
  let preloadSeconds = 0;
  for (const [side, port] of [['empty', SCALING_PORTS[0]], ['full', SCALING_PORTS[1]]]) {
    const dbPath = join(folder, `${side}.sqlite`);
    const child = await startApp(dbPath, port);
    const base = `http://127.0.0.1:${port}`;
    const token = (await api('POST', '/auth/login', ADMIN, undefined, base)).accessToken;
    await api('POST', '/offices', { code: 'BENCH-FULL', name: 'Bench full', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1000 }, token, base);
    const slotIds = [];
    for (let day = 100; day < 100 + 20 * 50; day += 50) {
      const slots = [];
      for (let d = day; d < day + 50; d++) for (let m = 7 * 60; m < 17 * 60; m += 30) slots.push({ date: localDate(7, d), start: hhmm(m), end: hhmm(m + 30), capacity: 10000 });
      slotIds.push(...(await api('POST', '/offices/BENCH-FULL/slots', { slots }, token, base)).map((x) => x.id));
    }
    const db = new sqlite3.Database(dbPath);
    await run(db, 'PRAGMA busy_timeout = 10000');
    if (side === 'full') {
      const started = Date.now();
      await preloadBookings(db, PRELOAD);
      // A bulk load leaves its pages in the WAL; fold them into the database file, as the app's own
      // checkpoints would over the next minutes, so the figures are the full database's, not the load's.
      await run(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
      preloadSeconds = (Date.now() - started) / 1000;
    }
    db.close();
    const state = { token, lookups: [] };
    const plans = scenarios(state, base);
    sides[side] = { child, booking: () => plans.booking('BENCH-FULL', slotIds), lookup: plans.lookup, runs: { booking: [], lookup: [] } };
    // Warm each app (JIT, caches), and give its look-ups some bookings to find.
    await cannon({ ...sides[side].booking(), duration: 2 });
  }
  try {
    for (const scenario of ['booking', 'lookup']) {
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ['empty', 'full'] : ['full', 'empty'];
        for (const side of order) sides[side].runs[scenario].push(summary(await cannon(sides[side][scenario]())));
      }
    }
  } finally {
    for (const side of Object.values(sides)) side.child.kill('SIGTERM');
  }
  return { empty: sides.empty.runs, full: sides.full.runs, preloadSeconds };
}

async function main() {
  const folder = mkdtempSync(join(tmpdir(), 'passport-queue-bench-'));
  const dbPath = join(folder, 'bench.sqlite');
  const cpus = require('node:os').cpus();
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, Node ${process.version}; ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections`);
  const hello = await startHello();
  const app = await startApp(dbPath);
  servers.set(String(HELLO_PORT), hello.pid);
  const db = new sqlite3.Database(dbPath);
  await run(db, 'PRAGMA busy_timeout = 10000');
  try {
    const state = { ...(await setup(db)), lookups: [] };
    const s = scenarios(state);
    // Warm both servers (JIT, caches) before measuring.
    await cannon({ ...s.hello(), duration: 2 });
    await cannon({ ...s.booking(), duration: 2 });

    const allPlans = { booking: s.booking, lookup: s.lookup, 'check-in': s['check-in'], 'walk-in, call-next, start, complete': () => s.cycle('BENCH-Q10'), board: s.board };
    const plans = Object.fromEntries(Object.entries(allPlans).filter(([name]) => !ONLY || ONLY.some((o) => name.startsWith(o))));
    const measured = Object.fromEntries(Object.keys(plans).map((k) => [k, []]));
    const helloRuns = [];
    const ratios = Object.fromEntries(Object.keys(measured).map((k) => [k, []]));
    for (let round = 1; round <= ROUNDS && Object.keys(plans).length > 0; round++) {
      for (const [name, plan] of Object.entries(plans)) {
        const h = summary(await cannon(s.hello()));
        const r = summary(await cannon(plan()));
        helloRuns.push(h);
        measured[name].push(r);
        ratios[name].push(r.rps / h.rps);
      }
      process.stderr.write(`round ${round}/${ROUNDS} done\n`);
    }
    const rows = [{ name: 'bare NestJS hello (ceiling)', ...combine(helloRuns) }];
    for (const name of Object.keys(measured)) {
      rows.push({ name, ...combine(measured[name]), ratio: median(ratios[name]), target: TARGETS[name] ? `≥ ${TARGETS[name]}` : '' });
    }
    if (helloRuns.length > 0) printTable('Throughput (median of rounds; ratio = project req/s ÷ bare hello req/s in the same round; server CPU = its process, all threads, 100 % = one core)', rows);
    const booking = rows.find((r) => r.name === 'booking');
    if (booking) console.log(`booking p99 ${booking.p99} ms (target < 50 ms)`);
    if (!ONLY || ONLY.includes('stampede')) {
      const outcome = await stampede(state.stampedeSlot);
      console.log(`\nStampede: 500 concurrent bookings for 50 seats → ${Object.entries(outcome).map(([k, v]) => `${v} × ${k}`).join(', ')}`);
    }
    if (ONLY && !ONLY.includes('scaling')) return;

    // Cost as the work grows: the same office and slots on two fresh databases, one of them
    // preloaded, each behind its own app, measured in turn (see scalingRuns).
    await cannon({ ...s.cycle('BENCH-Q10'), duration: 2 });
    const q10 = [];
    const q10k = [];
    for (let round = 0; round < ROUNDS; round++) {
      q10.push(summary(await cannon(s.cycle('BENCH-Q10'))));
      q10k.push(summary(await cannon(s.cycle('BENCH-Q10K'))));
    }
    const { empty, full, preloadSeconds } = await scalingRuns(folder);
    const ratioOf = (side) => median(full[side].map((r, i) => r.rps / empty[side][i].rps));
    printTable(`Scaling (${PRELOAD.toLocaleString('en')} bookings preloaded in ${preloadSeconds.toFixed(1)} s; medians of ${ROUNDS} rounds; booking and lookup: a fresh database and the same one preloaded, each behind its own app, taken in turn, ratio = full ÷ empty; cycle: 10,000 ÷ 10 waiting, taken in turn; target ≥ 0.8)`, [
      { name: 'booking, empty database', ...combine(empty.booking) },
      { name: `booking, +${PRELOAD} bookings`, ...combine(full.booking), ratio: ratioOf('booking'), target: '≥ 0.8' },
      { name: 'lookup, empty database', ...combine(empty.lookup) },
      { name: `lookup, +${PRELOAD} bookings`, ...combine(full.lookup), ratio: ratioOf('lookup'), target: '≥ 0.8' },
      { name: 'cycle, 10 waiting', ...combine(q10) },
      { name: 'cycle, 10,000 waiting', ...combine(q10k), ratio: median(q10k.map((r, i) => r.rps / q10[i].rps)), target: '≥ 0.8' },
    ]);
  } finally {
    db.close();
    app.kill('SIGTERM');
    hello.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
