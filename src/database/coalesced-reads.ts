import type { Sql } from './sql';

/**
 * Reads by key that arrive in the same turn of the event loop, answered by one statement.
 *
 * Under load many look-ups arrive together (50 connections, one readable socket after another in
 * the same poll phase). One `WHERE key IN (…)` statement for all of them costs one trip through
 * node-sqlite3's thread pool instead of one each; the trip, not SQLite's index look-up, is what a
 * single-row read mostly costs. A lone request waits for nothing: its batch is sent at the end of
 * the turn it arrived in (setImmediate), with whatever else arrived meanwhile.
 *
 * Only committed data is read (the statement runs on a read connection, as a single read would),
 * and every caller gets the row of its own key, or undefined.
 */
export class CoalescedReads<K, R> {
  private pending = new Map<K, Array<{ resolve: (row: R | undefined) => void; reject: (error: unknown) => void }>>();
  private scheduled = false;

  /**
   * @param loadMany one statement for many keys; rows for unknown keys are simply absent.
   * @param keyOf the key a returned row answers.
   * @param maxKeys keys per statement; more waiting keys go out in further statements.
   */
  constructor(
    private readonly loadMany: (keys: K[]) => Promise<R[]>,
    private readonly keyOf: (row: R) => K,
    private readonly maxKeys = 500,
  ) {}

  load(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += this.maxKeys) void this.answer(batch, keys.slice(start, start + this.maxKeys));
  }

  private async answer(batch: Map<K, Array<{ resolve: (row: R | undefined) => void; reject: (error: unknown) => void }>>, keys: K[]): Promise<void> {
    let byKey: Map<K, R>;
    try {
      const rows = await this.loadMany(keys);
      byKey = new Map(rows.map((row) => [this.keyOf(row), row]));
    } catch (error) {
      for (const key of keys) for (const waiter of batch.get(key)!) waiter.reject(error);
      return;
    }
    for (const key of keys) for (const waiter of batch.get(key)!) waiter.resolve(byKey.get(key));
  }
}

/**
 * One row per key from `select … WHERE <keyColumn> = key`: on SQLite the keys asked for in the same
 * turn share one `IN (SELECT value FROM json_each(?))` statement; on PostgreSQL, whose pool runs
 * statements side by side, each key is its own statement.
 */
export function rowByKey<K extends string | number, R>(sql: Sql, select: string, keyColumn: string, keyOf: (row: R) => K): (key: K) => Promise<R | undefined> {
  if (sql.isPostgres) return (key) => sql.get<R>(`${select} WHERE ${keyColumn} = ?`, [key]);
  const reads = new CoalescedReads<K, R>((keys) => sql.all<R>(`${select} WHERE ${keyColumn} IN (SELECT value FROM json_each(?))`, [JSON.stringify(keys)]), keyOf);
  return (key) => reads.load(key);
}
