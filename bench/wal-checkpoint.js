#!/usr/bin/env node
/**
 * How often SQLite should checkpoint its WAL on the write connection (SQLITE_WAL_CHECKPOINT_PAGES).
 *
 *   npm run build && node bench/wal-checkpoint.js [--batches 1500] [--pages 1000,4000,10000,30000]
 *
 * One database per setting, each migrated with the app's own migrations and holding 20,000 waiting
 * tickets over 12 offices. Then batches shaped like the kiosk's group commit (24 tickets over the
 * 12 offices, one script from BEGIN to COMMIT) go to each database in turn, so whatever else the
 * machine does falls on every setting alike. Prints each setting's commit time per batch.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { OFFICES, options, exec, migratedDatabase, close, run } = require('./sqlite-harness');

const args = options({ batches: 1500, pages: '1000,4000,10000,30000' });
const BATCHES = Number(args.batches);
const SETTINGS = String(args.pages).split(',').map(Number);
const PRELOAD = 20_000;
const BATCH = 24;
const DAY = '2026-11-28';


/** A waiting kiosk ticket's row, as the check-in batch writes it. */
function ticket(id, office, number) {
  const at = new Date(Date.UTC(2026, 10, 28, 2) + id * 100).toISOString();
  const key = `11${DAY}T09:00:00.000Z${at}    A${number}`;
  return `(${id}, '${office}', '${DAY}', 'A${number}', 'APPOINTMENT', 'NEW', 0, 'WAITING', 0, '${DAY}T09:00:00.000Z', '${at}', 0, '${key}')`;
}

const INSERT = `INSERT INTO tickets (id, "officeCode", "serviceDate", number, kind, "serviceType", priority, status, manual, "slotStartsAt", "checkedInAt", "recallCount", "callKey") VALUES `;

/** The next `count` tickets of a database, spread over the offices in turn. */
function nextTickets(state, count) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const office = OFFICES[state.id % OFFICES.length];
    state.numbers[office] = (state.numbers[office] ?? 0) + 1;
    rows.push(ticket(++state.id, office, state.numbers[office]));
  }
  return rows;
}

async function main() {
  const folder = mkdtempSync(join(tmpdir(), 'wal-checkpoint-'));
  try {
    const runs = [];
    for (const pages of SETTINGS) {
      const db = await migratedDatabase(join(folder, `${pages}.sqlite`));
      await exec(db, `PRAGMA journal_mode = WAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = ${pages}`);
      const state = { id: 0, numbers: {} };
      for (let loaded = 0; loaded < PRELOAD; loaded += 1000) await exec(db, `BEGIN; ${INSERT}${nextTickets(state, 1000).join(',')}; COMMIT`);
      await exec(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
      runs.push({ pages, db, state, ms: [] });
    }
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const run of runs) {
        const script = `BEGIN; ${INSERT}${nextTickets(run.state, BATCH).join(',')}; COMMIT`;
        const started = process.hrtime.bigint();
        await exec(run.db, script);
        run.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    console.log(`${BATCHES} batches of ${BATCH} tickets over ${OFFICES.length} offices per setting, taken in turn; Node ${process.version}\n`);
    console.log('| checkpoint every (pages) | mean ms | p50 ms | p99 ms | max ms |');
    console.log('|-------------------------:|--------:|-------:|-------:|-------:|');
    for (const { pages, ms, db } of runs) {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
      const mean = (ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2);
      console.log(`| ${String(pages).padStart(24)} | ${mean.padStart(7)} | ${at(0.5).padStart(6)} | ${at(0.99).padStart(6)} | ${at(1).padStart(6)} |`);
      await close(db);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

run(main);
