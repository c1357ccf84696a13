import { CoalescedReads } from './coalesced-reads';

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
