import { EntityManager } from 'typeorm';
import { Decision, GroupCommit } from './group-commit';
import { TransactionRunner } from './transaction-runner';

const fakeManager = { name: 'the manager of the write job' } as unknown as EntityManager;

/**
 * A stand-in for the write queue: each job runs on `fakeManager` a turn after it is given, so
 * requests submitted meanwhile pile up for the next batch. The jobs numbered in `failingJobs`
 * (counting from 1) throw after their work ran, as a failed COMMIT would.
 */
function fakeRunner(failingJobs: number[] = []) {
  let jobs = 0;
  const runner = {
    write: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const job = ++jobs;
      await new Promise((r) => setImmediate(r));
      const result = await work(fakeManager);
      if (failingJobs.includes(job)) throw new Error('SQLITE_IOERR: disk I/O error');
      return result;
    },
  };
  return runner as unknown as TransactionRunner;
}

/** A decideAndWrite that records every batch it is given and decides each input with `decide`. */
function recordingDecider<I, O>(decide: (input: I) => Decision<O>) {
  const batches: I[][] = [];
  const managers: EntityManager[] = [];
  const decideAndWrite = async (manager: EntityManager, inputs: I[]) => {
    managers.push(manager);
    batches.push([...inputs]);
    return inputs.map(decide);
  };
  return { batches, managers, decideAndWrite };
}

const neverAlone = () => Promise.reject(new Error('this request should not have gone alone'));

describe('GroupCommit', () => {
  it('decides the requests submitted while a batch is in flight together, in the next batch', async () => {
    const db = fakeRunner();
    const decider = recordingDecider<number, string>((n) => ({ value: `ticket ${n}` }));
    const group = new GroupCommit(db, decider.decideAndWrite);

    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n, neverAlone)));

    expect(answers).toEqual(['ticket 1', 'ticket 2', 'ticket 3', 'ticket 4', 'ticket 5']);
    expect(decider.batches).toEqual([[1], [2, 3, 4, 5]]);
    expect(group.stats).toEqual({ batches: 2, decided: 5, alone: 0 });
    expect(decider.managers).toEqual([fakeManager, fakeManager]);
  });

  it('starts a fresh batch for a request arriving after the queue went idle', async () => {
    const db = fakeRunner();
    const decider = recordingDecider<number, number>((n) => ({ value: n * 10 }));
    const group = new GroupCommit(db, decider.decideAndWrite);

    await expect(group.submit(1, neverAlone)).resolves.toBe(10);
    await expect(group.submit(2, neverAlone)).resolves.toBe(20);

    expect(decider.batches).toEqual([[1], [2]]);
    expect(group.stats.batches).toBe(2);
  });

  it('answers each caller with its own value or its own error', async () => {
    const db = fakeRunner();
    const refusals = new Map([3, 5].map((n) => [n, new Error(`refused ${n}`)]));
    const decider = recordingDecider<number, string>((n) => (refusals.has(n) ? { error: refusals.get(n) } : { value: `ok ${n}` }));
    const group = new GroupCommit(db, decider.decideAndWrite);

    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => group.submit(n, neverAlone)));

    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'ok 1' },
      { status: 'fulfilled', value: 'ok 2' },
      { status: 'rejected', reason: refusals.get(3) },
      { status: 'fulfilled', value: 'ok 4' },
      { status: 'rejected', reason: refusals.get(5) },
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBe(refusals.get(3));
    expect(group.stats).toEqual({ batches: 2, decided: 5, alone: 0 });
  });

  it('sends an {alone: true} decision down the caller’s own path and answers with what that path gives', async () => {
    const db = fakeRunner();
    const decider = recordingDecider<string, string>((input) => (input.startsWith('express') ? { alone: true } : { value: `batched ${input}` }));
    const group = new GroupCommit(db, decider.decideAndWrite);
    const alonePaths: string[] = [];
    const alone = (input: string) => () => {
      alonePaths.push(input);
      return Promise.resolve(`alone ${input}`);
    };

    const answers = await Promise.all(['plain 1', 'express 2', 'plain 3', 'express 4'].map((input) => group.submit(input, alone(input))));

    expect(answers).toEqual(['batched plain 1', 'alone express 2', 'batched plain 3', 'alone express 4']);
    expect(alonePaths.sort()).toEqual(['express 2', 'express 4']);
    expect(group.stats).toEqual({ batches: 2, decided: 2, alone: 2 });
  });

  it('passes a refusal of the alone path on to its caller', async () => {
    const db = fakeRunner();
    const group = new GroupCommit<string, string>(db, async (_manager, inputs) => inputs.map(() => ({ alone: true as const })));
    const refusal = new Error('refused on the ordinary path');

    await expect(group.submit('x', () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(group.stats).toEqual({ batches: 1, decided: 0, alone: 1 });
  });

  it('answers a request whose alone path throws at once, and still answers the rest of its batch', async () => {
    const db = fakeRunner();
    const group = new GroupCommit<number, string>(db, async (_manager, inputs) => inputs.map((n) => (n === 1 ? { alone: true as const } : { value: `batched ${n}` })));
    const thrown = new Error('thrown before any promise');
    const throwingAlone = (): Promise<string> => {
      throw thrown;
    };

    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => group.submit(n, throwingAlone)));

    expect(outcomes).toEqual([
      { status: 'rejected', reason: thrown },
      { status: 'fulfilled', value: 'batched 2' },
      { status: 'fulfilled', value: 'batched 3' },
    ]);
  });

  it('with a read step, hands each batch what was read for exactly its inputs through writeAfterReading', async () => {
    const reads: number[][] = [];
    const db = {
      writeAfterReading: async <R, T>(read: (manager: EntityManager) => Promise<R>, work: (manager: EntityManager, read: R) => Promise<T>) => {
        await new Promise((r) => setImmediate(r));
        return work(fakeManager, await read(fakeManager));
      },
    } as unknown as TransactionRunner;
    const group = new GroupCommit<number, string, Map<number, string>>(db, async (_manager, inputs, names) => inputs.map((n) => ({ value: names.get(n)! })), {
      read: async (manager, inputs) => {
        expect(manager).toBe(fakeManager);
        reads.push([...inputs]);
        return new Map(inputs.map((n) => [n, `row ${n}`]));
      },
    });

    const answers = await Promise.all([1, 2, 3].map((n) => group.submit(n, neverAlone)));

    expect(answers).toEqual(['row 1', 'row 2', 'row 3']);
    expect(reads).toEqual([[1], [2, 3]]);
  });

  it('sends every request of a batch whose write fails down its alone path, and carries on with the next batch', async () => {
    const decider = recordingDecider<number, string>((n) => ({ value: `batched ${n}` }));
    const group = new GroupCommit(fakeRunner([2]), decider.decideAndWrite);
    const alone = (n: number) => () => Promise.resolve(`alone ${n}`);

    const first = group.submit(1, neverAlone);
    const failed = [2, 3, 4].map((n) => group.submit(n, alone(n)));
    await first;
    const later = [5, 6].map((n) => group.submit(n, neverAlone));

    await expect(Promise.all(failed)).resolves.toEqual(['alone 2', 'alone 3', 'alone 4']);
    await expect(Promise.all(later)).resolves.toEqual(['batched 5', 'batched 6']);
    expect(decider.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(group.stats).toEqual({ batches: 2, decided: 3, alone: 3 });
  });

  it('answers a request only once the write job that decided it has returned', async () => {
    let commit!: () => void;
    const committed = new Promise<void>((r) => (commit = r));
    const db = {
      write: async <T>(work: (manager: EntityManager) => Promise<T>) => {
        const result = await work(fakeManager);
        await committed;
        return result;
      },
    } as unknown as TransactionRunner;
    const group = new GroupCommit<number, string>(db, async (_manager, inputs) => inputs.map((n) => ({ value: `ticket ${n}` })));
    let answered = false;

    const answer = group.submit(1, neverAlone).then((value) => {
      answered = true;
      return value;
    });
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    commit();

    await expect(answer).resolves.toBe('ticket 1');
  });

  it('never puts more than maxBatch requests in one batch', async () => {
    const db = fakeRunner();
    const decider = recordingDecider<number, number>((n) => ({ value: n }));
    const group = new GroupCommit(db, decider.decideAndWrite, { maxBatch: 3 });
    const inputs = Array.from({ length: 11 }, (_, i) => i + 1);

    const answers = await Promise.all(inputs.map((n) => group.submit(n, neverAlone)));

    expect(answers).toEqual(inputs);
    expect(decider.batches.map((b) => b.length)).toEqual([1, 3, 3, 3, 1]);
    expect(decider.batches.flat()).toEqual(inputs);
    expect(group.stats).toEqual({ batches: 5, decided: 11, alone: 0 });
  });
});
