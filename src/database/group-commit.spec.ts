import { EntityManager } from 'typeorm';
import { BatchPlan, Decision, GroupCommit } from './group-commit';
import type { ScriptPlan } from './transaction-runner';

const fakeManager = { name: 'the manager of the write job' } as unknown as EntityManager;

/**
 * A stand-in for TransactionRunner.writeScript: each job reads on `fakeManager` a turn after it is
 * given, so requests submitted meanwhile pile up for the next batch, and records the script it was
 * planned. The jobs numbered in `failingJobs` (counting from 1) fail after planning, as a failed
 * script would.
 */
function fakeRunner(failingJobs: number[] = []) {
  let jobs = 0;
  const scripts: string[][] = [];
  const db = {
    writeScript: async <R, T>(read: (manager: EntityManager) => Promise<R>, plan: (read: R) => ScriptPlan<T>): Promise<T> => {
      const job = ++jobs;
      await new Promise((r) => setImmediate(r));
      const { script, result } = plan(await read(fakeManager));
      scripts.push(script);
      if (failingJobs.includes(job)) throw new Error('SQLITE_IOERR: disk I/O error');
      return result;
    },
  };
  return { db, scripts };
}

/** Steps that record every batch (and the manager its read ran on) and decide each input with `decide`; one statement per accepted input. */
function recordingSteps<I, O>(decide: (input: I) => Decision<O>) {
  const batches: I[][] = [];
  const managers: EntityManager[] = [];
  const steps = {
    read: async (manager: EntityManager, inputs: I[]) => {
      managers.push(manager);
      return [...inputs];
    },
    plan: (inputs: I[], read: I[]): BatchPlan<O> => {
      batches.push(read);
      const decisions = inputs.map(decide);
      return { decisions, script: decisions.flatMap((d, i) => ('value' in d ? [`write ${String(inputs[i])}`] : [])) };
    },
  };
  return { batches, managers, steps };
}

const neverAlone = () => Promise.reject(new Error('this request should not have gone alone'));

describe('GroupCommit', () => {
  it('decides the requests submitted while a batch is in flight together, in the next batch', async () => {
    const { db, scripts } = fakeRunner();
    const recorder = recordingSteps<number, string>((n) => ({ value: `ticket ${n}` }));
    const group = new GroupCommit(db, recorder.steps);

    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n, neverAlone)));

    expect(answers).toEqual(['ticket 1', 'ticket 2', 'ticket 3', 'ticket 4', 'ticket 5']);
    expect(recorder.batches).toEqual([[1], [2, 3, 4, 5]]);
    expect(scripts).toEqual([['write 1'], ['write 2', 'write 3', 'write 4', 'write 5']]);
    expect(group.stats).toEqual({ batches: 2, decided: 5, alone: 0 });
    expect(recorder.managers).toEqual([fakeManager, fakeManager]);
  });

  it('starts a fresh batch for a request arriving after the queue went idle', async () => {
    const { db } = fakeRunner();
    const recorder = recordingSteps<number, number>((n) => ({ value: n * 10 }));
    const group = new GroupCommit(db, recorder.steps);

    await expect(group.submit(1, neverAlone)).resolves.toBe(10);
    await expect(group.submit(2, neverAlone)).resolves.toBe(20);

    expect(recorder.batches).toEqual([[1], [2]]);
    expect(group.stats.batches).toBe(2);
  });

  it('answers each caller with its own value or its own error', async () => {
    const { db } = fakeRunner();
    const refusals = new Map([3, 5].map((n) => [n, new Error(`refused ${n}`)]));
    const recorder = recordingSteps<number, string>((n) => (refusals.has(n) ? { error: refusals.get(n) } : { value: `ok ${n}` }));
    const group = new GroupCommit(db, recorder.steps);

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
    const { db } = fakeRunner();
    const recorder = recordingSteps<string, string>((input) => (input.startsWith('express') ? { alone: true } : { value: `batched ${input}` }));
    const group = new GroupCommit(db, recorder.steps);
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
    const { db } = fakeRunner();
    const group = new GroupCommit<string, string, string[]>(db, recordingSteps<string, string>(() => ({ alone: true })).steps);
    const refusal = new Error('refused on the ordinary path');

    await expect(group.submit('x', () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(group.stats).toEqual({ batches: 1, decided: 0, alone: 1 });
  });

  it('answers a request whose alone path throws at once, and still answers the rest of its batch', async () => {
    const { db } = fakeRunner();
    const group = new GroupCommit<number, string, number[]>(db, recordingSteps<number, string>((n) => (n === 1 ? { alone: true } : { value: `batched ${n}` })).steps);
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

  it('sends the batch down the alone path when planning it throws', async () => {
    const { db } = fakeRunner();
    const group = new GroupCommit<number, string, null>(db, {
      read: async () => null,
      plan: () => {
        throw new Error('a bug in the batch rules');
      },
    });

    await expect(Promise.all([1, 2].map((n) => group.submit(n, () => Promise.resolve(`alone ${n}`))))).resolves.toEqual(['alone 1', 'alone 2']);
    expect(group.stats).toEqual({ batches: 0, decided: 0, alone: 2 });
  });

  it('sends every request of a batch whose write fails down its alone path, and carries on with the next batch', async () => {
    const recorder = recordingSteps<number, string>((n) => ({ value: `batched ${n}` }));
    const group = new GroupCommit(fakeRunner([2]).db, recorder.steps);
    const alone = (n: number) => () => Promise.resolve(`alone ${n}`);

    const first = group.submit(1, neverAlone);
    const failed = [2, 3, 4].map((n) => group.submit(n, alone(n)));
    await first;
    const later = [5, 6].map((n) => group.submit(n, neverAlone));

    await expect(Promise.all(failed)).resolves.toEqual(['alone 2', 'alone 3', 'alone 4']);
    await expect(Promise.all(later)).resolves.toEqual(['batched 5', 'batched 6']);
    expect(recorder.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(group.stats).toEqual({ batches: 2, decided: 3, alone: 3 });
  });

  it('answers a request only once the write job that decided it has returned', async () => {
    let commit!: () => void;
    const committed = new Promise<void>((r) => (commit = r));
    const db = {
      writeScript: async <R, T>(read: (manager: EntityManager) => Promise<R>, plan: (read: R) => ScriptPlan<T>) => {
        const { result } = plan(await read(fakeManager));
        await committed;
        return result;
      },
    };
    const group = new GroupCommit<number, string, number[]>(db, recordingSteps<number, string>((n) => ({ value: `ticket ${n}` })).steps);
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
    const { db } = fakeRunner();
    const recorder = recordingSteps<number, number>((n) => ({ value: n }));
    const group = new GroupCommit(db, recorder.steps, { maxBatch: 3 });
    const inputs = Array.from({ length: 11 }, (_, i) => i + 1);

    const answers = await Promise.all(inputs.map((n) => group.submit(n, neverAlone)));

    expect(answers).toEqual(inputs);
    expect(recorder.batches.map((b) => b.length)).toEqual([1, 3, 3, 3, 1]);
    expect(recorder.batches.flat()).toEqual(inputs);
    expect(group.stats).toEqual({ batches: 5, decided: 11, alone: 0 });
  });
});
