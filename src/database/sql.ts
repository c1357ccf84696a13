import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The parts of node-sqlite3's Database and Statement that the hot paths use. */
interface SqliteStatement {
  all(params: unknown[], callback: (error: Error | null, rows: Record<string, unknown>[]) => void): void;
  run(params: unknown[], callback: (this: { changes: number; lastID: number }, error: Error | null) => void): void;
  finalize(callback?: () => void): void;
}
interface SqliteDatabase {
  prepare(sql: string, callback?: (error: Error | null) => void): SqliteStatement;
  configure(option: 'busyTimeout', value: number): void;
  exec(sql: string, callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
}

/** Read-only connections beside TypeORM's one (SQLite file databases only). */
const READ_CONNECTIONS = 4;
/**
 * node-sqlite3 runs one call at a time per prepared statement and queues the rest, so with a single
 * statement per SQL text concurrent look-ups would wait for each other's round trip through the
 * thread pool. Each read connection keeps up to this many copies of a statement.
 */
const STATEMENTS_PER_TEXT = 4;

interface Reader {
  connection: SqliteDatabase;
  statements: Map<string, Array<{ statement: Promise<SqliteStatement>; pending: number }>>;
  inFlight: number;
}

export interface RunResult {
  changes: number;
  lastId: number;
}

/**
 * Hand-written SQL for the hot paths (booking, look-up, check-in), where each TypeORM statement
 * costs several times what SQLite itself does (measured: findOneBy ≈ 200 µs, a cached prepared
 * statement ≈ 30 µs). Write SQL with `?` placeholders and double-quoted camelCase identifiers; it
 * runs unchanged on both drivers.
 *
 * SQLite: statements are prepared once and cached on TypeORM's one connection, so inside a
 * TransactionRunner job they run in that job's transaction. PostgreSQL: `?` becomes `$n` and the
 * statement runs through the job's EntityManager (its pooled connection and transaction).
 */
@Injectable()
export class Sql implements BeforeApplicationShutdown {
  private readonly statements = new Map<string, Promise<SqliteStatement>>();
  /** The statements of `statements` whose prepare has finished. */
  private readonly ready = new Map<string, SqliteStatement>();
  private readers: Reader[] | null = null;
  private closing = false;
  private readonly postgresText = new Map<string, string>();
  readonly isPostgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.isPostgres = dataSource.options.type === 'postgres';
  }

  /** First row, or undefined. */
  async get<T = Record<string, unknown>>(sql: string, params: unknown[], manager?: EntityManager): Promise<T | undefined> {
    if (this.isPostgres) return (await this.pg(sql, params, manager))[0] as T | undefined;
    // `all`, not `get`: it steps the statement to the end, so no half-read statement keeps a snapshot open.
    return (await this.all<T>(sql, params, manager))[0];
  }

  /**
   * Rows of a SELECT. With a manager (inside a write job) it reads in that job's transaction; without
   * one, on SQLite, it reads on a read-only connection of its own: only committed data, and never
   * queued behind the writer.
   */
  async all<T = Record<string, unknown>>(sql: string, params: unknown[], manager?: EntityManager): Promise<T[]> {
    if (this.isPostgres) return (await this.pg(sql, params, manager)) as T[];
    if (!manager) {
      const reader = this.reader();
      if (reader) return this.readOn<T>(reader, sql, params);
    }
    const cached = this.statement(sql);
    const statement = cached instanceof Promise ? await cached : cached;
    return new Promise((resolve, reject) => statement.all(params, (error, rows) => (error ? reject(wrap(error, sql)) : resolve(rows as T[]))));
  }

  /** INSERT / UPDATE / DELETE: rows changed and (for an INSERT … RETURNING id on PostgreSQL) the new id. */
  async run(sql: string, params: unknown[], manager?: EntityManager): Promise<RunResult> {
    if (this.isPostgres) {
      const returning = /\bRETURNING\b/i.test(sql);
      const result = await (manager ?? this.dataSource.manager).query(this.toPostgres(sql), params);
      // TypeORM's postgres driver answers [rows, affected] for UPDATE/DELETE and rows for INSERT … RETURNING.
      if (returning) {
        const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ id?: number }>;
        return { changes: Array.isArray(result[0]) ? (result[1] as number) : rows.length, lastId: Number(rows[0]?.id ?? 0) };
      }
      return { changes: Array.isArray(result) ? Number(result[1] ?? 0) : 0, lastId: 0 };
    }
    const cached = this.statement(sql.replace(/\s+RETURNING\s+"?id"?\s*$/i, ''));
    const statement = cached instanceof Promise ? await cached : cached;
    return new Promise((resolve, reject) =>
      statement.run(params, function (error) {
        if (error) reject(wrap(error, sql));
        else resolve({ changes: this.changes, lastId: this.lastID });
      }),
    );
  }

  /**
   * A script of several statements in one trip through node-sqlite3's thread pool, on TypeORM's
   * connection (SQLite only): they run in order and the first that fails stops the script, so none
   * after it runs, not even outside the transaction SQLite may have rolled back. Values are written
   * into the text with `inlineParams`, as a script takes no parameters.
   */
  exec(script: string): Promise<void> {
    if (this.isPostgres) return Promise.reject(new Error('Sql.exec runs SQLite scripts'));
    const connection = this.writeConnection();
    // The error does not carry the script: its values (names, NIKs) must not reach a log.
    return new Promise((resolve, reject) => connection.exec(script, (error) => (error ? reject(wrap(error, 'a batch script')) : resolve())));
  }

  /** Prepared statements hold the connection open; release them before TypeORM closes it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    // Taken out of use first: a call made from here on prepares a statement of its own (see `statement`).
    const cached = [...this.statements.values()];
    this.statements.clear();
    this.ready.clear();
    const readers = this.readers ?? [];
    this.readers = null;
    const finalize = (statements: Array<Promise<SqliteStatement>>) =>
      Promise.all(statements.map((prepared) => prepared.then((s) => new Promise<void>((resolve) => s.finalize(() => resolve())), () => undefined)));
    await finalize(cached);
    for (const reader of readers) {
      await finalize([...reader.statements.values()].flat().map((c) => c.statement));
      await new Promise<void>((resolve) => reader.connection.close(() => resolve()));
    }
  }

  /**
   * The cached statement for `sql` on TypeORM's connection. Once prepared it is handed over
   * synchronously, so the caller's call is queued on it before shutdown can queue its finalize
   * (node-sqlite3 runs a statement's calls in order); only the first use waits for the prepare.
   */
  private statement(sql: string): SqliteStatement | Promise<SqliteStatement> {
    const ready = this.ready.get(sql);
    if (ready) return ready;
    const connection = this.writeConnection();
    // Once shutdown has released the cache, a late write (the queue still draining) uses a
    // statement of its own that is finalized right after, so none is left to block the close.
    if (this.closing) return prepare(connection, sql).then(once);
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = prepare(connection, sql);
      this.statements.set(sql, statement);
      statement.then(
        (prepared) => {
          if (this.statements.get(sql) === statement) this.ready.set(sql, prepared);
        },
        // A statement that failed to prepare is not kept: the next call tries again.
        () => this.statements.delete(sql),
      );
    }
    return statement;
  }

  /** TypeORM's one SQLite connection, the one that writes. */
  private writeConnection(): SqliteDatabase {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  }

  /** The least busy read-only connection, or null where there are none (PostgreSQL, :memory:, shutting down). */
  private reader(): Reader | null {
    const path = (this.dataSource.options as { database?: string }).database;
    if (!path || path === ':memory:' || this.closing) return null;
    if (!this.readers) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sqlite3 = require('sqlite3') as { Database: new (path: string, mode: number) => SqliteDatabase; OPEN_READONLY: number };
      this.readers = Array.from({ length: READ_CONNECTIONS }, () => {
        const connection = new sqlite3.Database(path, sqlite3.OPEN_READONLY);
        connection.configure('busyTimeout', 5000);
        return { connection, statements: new Map(), inFlight: 0 };
      });
    }
    let best = this.readers[0];
    for (const reader of this.readers) if (reader.inFlight < best.inFlight) best = reader;
    return best;
  }

  private readOn<T>(reader: Reader, sql: string, params: unknown[]): Promise<T[]> {
    let copies = reader.statements.get(sql);
    if (!copies) reader.statements.set(sql, (copies = []));
    let copy = copies.find((c) => c.pending === 0);
    if (!copy && copies.length < STATEMENTS_PER_TEXT) copies.push((copy = { statement: prepare(reader.connection, sql), pending: 0 }));
    // Every copy busy: queue behind the one with the shortest queue.
    copy ??= copies.reduce((a, b) => (b.pending < a.pending ? b : a));
    const used = copy;
    used.pending += 1;
    reader.inFlight += 1;
    const settle = () => {
      used.pending -= 1;
      reader.inFlight -= 1;
    };
    return used.statement.then(
      (statement) =>
        new Promise<T[]>((resolve, reject) =>
          statement.all(params, (error, rows) => {
            settle();
            if (error) reject(wrap(error, sql));
            else resolve(rows as T[]);
          }),
        ),
      (error: Error) => {
        settle();
        const at = copies.indexOf(used);
        if (at >= 0) copies.splice(at, 1);
        throw wrap(error, sql);
      },
    );
  }

  private pg(sql: string, params: unknown[], manager?: EntityManager): Promise<Record<string, unknown>[]> {
    return (manager ?? this.dataSource.manager).query(this.toPostgres(sql), params);
  }

  private toPostgres(sql: string): string {
    let text = this.postgresText.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      this.postgresText.set(sql, text);
    }
    return text;
  }
}

/**
 * A prepared statement, once SQLite has accepted it. node-sqlite3 reports a failed prepare (bad SQL,
 * a connection closed at shutdown) only to the prepare callback, dropping calls queued on the
 * statement meanwhile without answering them: waiting for the prepare first turns that into an error.
 */
function prepare(connection: SqliteDatabase, sql: string): Promise<SqliteStatement> {
  return new Promise((resolve, reject) => {
    const statement = connection.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
  });
}

/** A statement that finalizes itself after its one use. */
function once(statement: SqliteStatement): SqliteStatement {
  return {
    all: (params, callback) => statement.all(params, (error, rows) => statement.finalize(() => callback(error, rows))),
    run: (params, callback) =>
      statement.run(params, function (error) {
        const result = this;
        statement.finalize(() => callback.call(result, error));
      }),
    finalize: (callback) => statement.finalize(callback),
  };
}

/** Same shape as TypeORM's QueryFailedError, so `uniqueViolation()` and friends recognise it. */
function wrap(error: Error & { code?: string }, sql: string): Error {
  return Object.assign(new Error(error.message), { name: 'QueryFailedError', query: sql, driverError: error, code: error.code });
}

/**
 * `sql` with its `?` and `?NNN` placeholders replaced by SQLite literals, for a script run by
 * `Sql.exec` (which takes no parameters). Placeholders inside quoted strings, quoted identifiers
 * and comments are left alone. Strings become '…' with quotes doubled, the only escape SQLite
 * string literals have; numbers must be finite; booleans become 1 and 0. A string holding a NUL
 * is refused: the script is handed to SQLite as a C string, which would end there.
 */
export function inlineParams(sql: string, params: unknown[]): string {
  let out = '';
  let next = 1;
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i];
    const end = quotedEnd(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '?') {
      const digits = /^\d*/.exec(sql.slice(i + 1))![0];
      const index = digits ? Number(digits) : next;
      next = Math.max(next, index + 1);
      if (index < 1 || index > params.length) throw new Error(`no value for placeholder ?${index}`);
      out += sqlLiteral(params[index - 1]);
      i += 1 + digits.length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/**
 * `INSERT INTO table (columns) VALUES (…), (…)` for a script: every value an SQLite literal as
 * `inlineParams` writes it, each column name quoted (the table's name is the caller's constant).
 * Against `SELECT json_extract(value, …) FROM json_each(?)`, SQLite spends a fifth less on a batch
 * of 24 tickets, as no row is parsed back out of JSON (bench/insert-rows.js).
 */
export function insertValues(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  if (rows.length === 0) throw new Error(`no rows to insert into ${table}`);
  const tuples = rows.map((row) => {
    if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns of ${table}`);
    return `(${row.map(sqlLiteral).join(', ')})`;
  });
  return `INSERT INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) VALUES ${tuples.join(', ')}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Where a quoted string, quoted identifier or comment starting at `i` ends; `i` itself when none starts there. */
function quotedEnd(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'" || ch === '"') {
    // A doubled quote inside is part of the text; the search simply goes on past it.
    const close = sql.indexOf(ch, i + 1);
    return close < 0 ? sql.length : close + 1;
  }
  if (ch === '-' && sql[i + 1] === '-') {
    const close = sql.indexOf('\n', i);
    return close < 0 ? sql.length : close + 1;
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const close = sql.indexOf('*/', i + 2);
    return close < 0 ? sql.length : close + 2;
  }
  return i;
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('cannot inline a string holding NUL');
    return `'${value.replace(/'/g, "''")}'`;
  }
  throw new Error(`cannot inline a ${typeof value}`);
}

/**
 * A script statement that fails (rolling back the script's transaction, see `Sql.exec`) unless the
 * statement before it changed exactly `rows` rows: `json()` accepts '1' and refuses the other text.
 */
export function expectChanges(rows: number): string {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`not a row count: ${rows}`);
  return `SELECT json(CASE WHEN changes() = ${rows} THEN '1' ELSE 'the statement before changed a number of rows the batch did not count on' END)`;
}
