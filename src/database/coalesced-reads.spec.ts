import { CoalescedReads, rowByKey } from './coalesced-reads';
import type { Sql } from './sql';

interface Row {
  id: number;
  name: string;
}

const rowOf = (id: number): Row => ({ id, name: `row ${id}` });

/** A loadMany over the rows with ids 1..100 that records the keys of each call; rows come back newest first. */
function recordingLoader() {
  const calls: number[][] = [];
  const loadMany = async (keys: number[]) => {
    calls.push([...keys]);
    return keys.filter((k) => k >= 1 && k <= 100).map(rowOf).reverse();
  };
  return { calls, loadMany };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('CoalescedReads', () => {
  it('answers loads issued in the same turn with one loadMany call of their keys, each with its own row', async () => {
    const loader = recordingLoader();
    const reads = new CoalescedReads<number, Row>(loader.loadMany, (row) => row.id);

    const rows = await Promise.all([3, 1, 2].map((id) => reads.load(id)));

    expect(loader.calls).toEqual([[3, 1, 2]]);
    expect(rows).toEqual([rowOf(3), rowOf(1), rowOf(2)]);
  });

  it('asks for a key loaded twice in the same turn once, and gives both callers the row', async () => {
    const loader = recordingLoader();
    const reads = new CoalescedReads<number, Row>(loader.loadMany, (row) => row.id);

    const [first, second, other] = await Promise.all([reads.load(7), reads.load(7), reads.load(8)]);

    expect(loader.calls).toEqual([[7, 8]]);
    expect(first).toEqual(rowOf(7));
    expect(second).toBe(first);
    expect(other).toEqual(rowOf(8));
  });

  it('resolves an unknown key with undefined, and the known keys of the same call with their rows', async () => {
    const loader = recordingLoader();
    const reads = new CoalescedReads<number, Row>(loader.loadMany, (row) => row.id);

    const [known, unknown] = await Promise.all([reads.load(5), reads.load(999)]);

    expect(known).toEqual(rowOf(5));
    expect(unknown).toBeUndefined();
    expect(loader.calls).toEqual([[5, 999]]);
  });

  it('rejects every caller of a call whose loadMany fails with that error, and the next turn is read afresh', async () => {
    const failure = new Error('SQLITE_BUSY: database is locked');
    let fail = true;
    const calls: number[][] = [];
    const reads = new CoalescedReads<number, Row>(
      async (keys) => {
        calls.push(keys);
        if (fail) throw failure;
        return keys.map(rowOf);
      },
      (row) => row.id,
    );

    const outcomes = await Promise.allSettled([reads.load(1), reads.load(1), reads.load(2)]);
    fail = false;

    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    await expect(reads.load(1)).resolves.toEqual(rowOf(1));
    expect(calls).toEqual([[1, 2], [1]]);
  });

  it('sends loads of a later turn in a new call, also while the earlier call is still running', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const calls: number[][] = [];
    const reads = new CoalescedReads<number, Row>(
      async (keys) => {
        calls.push(keys);
        if (calls.length === 1) await held;
        return keys.map(rowOf);
      },
      (row) => row.id,
    );

    const early = reads.load(1);
    await nextTurn();
    const late = reads.load(1);
    await nextTurn();

    expect(calls).toEqual([[1], [1]]);
    await expect(late).resolves.toEqual(rowOf(1));
    release();
    await expect(early).resolves.toEqual(rowOf(1));
  });

  it('splits more waiting keys than maxKeys into several calls and answers every caller', async () => {
    const loader = recordingLoader();
    const reads = new CoalescedReads<number, Row>(loader.loadMany, (row) => row.id, 2);
    const ids = [1, 2, 3, 4, 5];

    const rows = await Promise.all(ids.map((id) => reads.load(id)));

    expect(loader.calls).toEqual([[1, 2], [3, 4], [5]]);
    expect(rows).toEqual(ids.map(rowOf));
  });

  it('rejects only the callers of the one call that failed when the keys were split', async () => {
    const failure = new Error('statement failed');
    const reads = new CoalescedReads<number, Row>(
      async (keys) => {
        if (keys.includes(3)) throw failure;
        return keys.map(rowOf);
      },
      (row) => row.id,
      2,
    );

    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((id) => reads.load(id)));

    expect(outcomes).toEqual([
      { status: 'fulfilled', value: rowOf(1) },
      { status: 'fulfilled', value: rowOf(2) },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
  });
});

describe('rowByKey', () => {
  const rows = [
    { id: 1, name: 'one' },
    { id: 2, name: 'two' },
  ];

  function fakeSql(isPostgres: boolean) {
    const calls: Array<{ text: string; params: unknown[] }> = [];
    const sql = {
      isPostgres,
      all: async (text: string, params: unknown[]) => {
        calls.push({ text, params });
        const ids = JSON.parse(params[0] as string) as number[];
        return rows.filter((r) => ids.includes(r.id));
      },
      get: async (text: string, params: unknown[]) => {
        calls.push({ text, params });
        return rows.find((r) => r.id === params[0]);
      },
    } as unknown as Sql;
    return { sql, calls };
  }

  it('on SQLite asks for the keys of one turn with one json_each statement', async () => {
    const { sql, calls } = fakeSql(false);
    const byId = rowByKey<number, Row>(sql, 'SELECT id, name FROM t', 'id', (row) => row.id);
    expect(await Promise.all([byId(1), byId(2), byId(3)])).toEqual([rows[0], rows[1], undefined]);
    expect(calls).toEqual([{ text: 'SELECT id, name FROM t WHERE id IN (SELECT value FROM json_each(?))', params: ['[1,2,3]'] }]);
  });

  it('on PostgreSQL runs one statement per key', async () => {
    const { sql, calls } = fakeSql(true);
    const byId = rowByKey<number, Row>(sql, 'SELECT id, name FROM t', 'id', (row) => row.id);
    expect(await Promise.all([byId(1), byId(3)])).toEqual([rows[0], undefined]);
    expect(calls).toEqual([
      { text: 'SELECT id, name FROM t WHERE id = ?', params: [1] },
      { text: 'SELECT id, name FROM t WHERE id = ?', params: [3] },
    ]);
  });
});
