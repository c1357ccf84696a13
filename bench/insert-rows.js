#!/usr/bin/env node
/**
 * How a group-committed batch should hand its rows to SQLite: as literal `VALUES` tuples, or as one
 * JSON array taken apart with `json_each` and `json_extract` (the form used before).
 *
 *   npm run build && node bench/insert-rows.js [--batches 3000]
 *
 * One database per form, migrated with the app's own migrations (its indexes and the waiting-count
 * trigger included) and holding 20,000 waiting tickets over 12 offices. Then batches shaped like
 * the kiosk's (24 tickets over the 12 offices, BEGIN to COMMIT as one script) go to each database
 * in turn. `synchronous = OFF` here, so the figures are SQLite's own work (parsing the script
 * included), not the disk's. Prints the process CPU and the wall time per batch.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { OFFICES, options, exec, migratedDatabase, close, run } = require('./sqlite-harness');

const BATCHES = Number(options({ batches: 3000 }).batches);
const DAY = '2026-11-28';
const COLUMNS = ['id', 'officeCode', 'serviceDate', 'number', 'kind', 'appointmentId', 'serviceType', 'priority', 'status', 'manual', 'slotStartsAt', 'checkedInAt', 'recallCount', 'callKey'];

const literal = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** A waiting kiosk ticket, as the check-in batch writes it. */
function ticket(state, office) {
  state.numbers[office] = (state.numbers[office] ?? 0) + 1;
  const id = ++state.id;
  const at = new Date(Date.UTC(2026, 10, 28, 2) + id * 100).toISOString();
  const number = `A${String(state.numbers[office]).padStart(3, '0')}`;
  const slot = `${DAY}T09:00:00.000Z`;
  return { id, officeCode: office, serviceDate: DAY, number, kind: 'APPOINTMENT', appointmentId: null, serviceType: 'NEW', priority: 0, status: 'WAITING', manual: 0, slotStartsAt: slot, checkedInAt: at, recallCount: 0, callKey: `11${slot}${at}    ${number}` };
}

const FORMS = {
  values: (rows) => `INSERT INTO tickets (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map((r) => `(${COLUMNS.map((c) => literal(r[c])).join(', ')})`).join(', ')}`,
  json: (rows) =>
    `INSERT INTO tickets (${COLUMNS.map((c) => `"${c}"`).join(', ')}) SELECT ${COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(', ')} FROM json_each(${literal(JSON.stringify(rows))})`,
};

async function main() {
  const folder = mkdtempSync(join(tmpdir(), 'insert-rows-'));
  try {
    const runs = [];
    for (const [name, form] of Object.entries(FORMS)) {
      const db = await migratedDatabase(join(folder, `${name}.sqlite`));
      await exec(db, 'PRAGMA journal_mode = WAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA synchronous = OFF; PRAGMA wal_autocheckpoint = 10000');
      const state = { id: 0, numbers: {} };
      for (let loaded = 0; loaded < 20_000; loaded += 1000) await exec(db, `BEGIN; ${FORMS.values(Array.from({ length: 1000 }, (_, i) => ticket(state, OFFICES[i % OFFICES.length])))}; COMMIT`);
      runs.push({ name, form, db, state, cpu: 0, wall: 0 });
    }
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const run of runs) {
        const script = `BEGIN; ${run.form(Array.from({ length: 24 }, (_, i) => ticket(run.state, OFFICES[(batch * 24 + i) % OFFICES.length])))}; COMMIT`;
        const cpu = process.cpuUsage();
        const started = process.hrtime.bigint();
        await exec(run.db, script);
        const used = process.cpuUsage(cpu);
        run.cpu += used.user + used.system;
        run.wall += Number(process.hrtime.bigint() - started) / 1000;
      }
    }
    console.log(`${BATCHES} batches of 24 tickets over ${OFFICES.length} offices per form, taken in turn; Node ${process.version}\n`);
    console.log('| rows handed over as | CPU µs per batch | wall µs per batch |');
    console.log('|:--------------------|-----------------:|------------------:|');
    for (const { name, cpu, wall, db } of runs) {
      console.log(`| ${(name === 'values' ? 'VALUES literals' : 'JSON + json_each').padEnd(19)} | ${(cpu / BATCHES).toFixed(0).padStart(16)} | ${(wall / BATCHES).toFixed(0).padStart(17)} |`);
      await close(db);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

run(main);
