/**
 * What the SQLite micro-benchmarks (wal-checkpoint.js, insert-rows.js) share. They use the app's
 * own migrations from dist/, so run `npm run build` first.
 */
const sqlite3 = require('sqlite3');

/** The offices the benchmark's kiosk check-ins are spread over (bench/run.js uses the same twelve). */
const OFFICES = Array.from({ length: 12 }, (_, i) => `BENCH-CI${i + 1}`);

/** `--name value` pairs of the command line, with the defaults for those not given. */
function options(defaults) {
  const given = Object.fromEntries(process.argv.slice(2).map((arg, i, all) => (arg.startsWith('--') ? [arg.slice(2), all[i + 1]] : [])).filter((e) => e.length));
  return { ...defaults, ...given };
}

const exec = (db, sql) => new Promise((ok, fail) => db.exec(sql, (error) => (error ? fail(error) : ok())));

/** A new SQLite file at `file` with the app's schema (its migrations), opened with node-sqlite3. */
async function migratedDatabase(file) {
  process.env.DB_TYPE = 'sqlite';
  process.env.DB_PATH = file;
  delete require.cache[require.resolve('../dist/ormconfig')];
  const dataSource = require('../dist/ormconfig').default;
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return new sqlite3.Database(file);
}

const close = (db) => new Promise((ok) => db.close(ok));

/** Runs the benchmark's main function; a failure prints and exits non-zero. */
function run(main) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { OFFICES, options, exec, migratedDatabase, close, run };
