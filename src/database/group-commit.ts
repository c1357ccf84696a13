import { EntityManager } from 'typeorm';
import { TransactionRunner } from './transaction-runner';

/**
 * What a batch decided for one request: its result, its refusal, or "alone" for a case the
 * set-based statements do not cover, which then goes through the ordinary one-at-a-time path.
 */
export type Decision<O> = { value: O } | { error: unknown } | { alone: true };

interface Waiting<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  /** The ordinary one-at-a-time path, answering the request itself. */
  alone: () => void;
}

/**
 * Group commit on SQLite's single writer: the requests that arrive while the previous batch
 * commits are decided together in one write job with set-based statements (a handful per batch
 * instead of several per request), and each is answered only after that job's COMMIT.
 *
 * Deciding in memory from reads made inside the job is sound because the write queue runs one job
 * at a time; the database's constraints still refuse what must never happen. If the batch fails as a
 * whole, nothing of it was saved and every request goes again on its own, so a refusal always
 * comes from the same rules as without batching.
 */
export class GroupCommit<I, O, R = undefined> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private committing = false;
  /** Batches written since start, requests decided in them, and requests that went alone. */
  readonly stats = { batches: 0, decided: 0, alone: 0 };

  private readonly maxBatch: number;
  private readonly read?: (manager: EntityManager, inputs: I[]) => Promise<R>;

  /**
   * @param decideAndWrite decides every input of a batch (from `read`'s result) and writes the
   *   accepted ones; one decision per input, in order.
   * @param options.read the reads the decisions rest on, only reads: they are sent together with
   *   the transaction's BEGIN (see TransactionRunner.writeAfterReading).
   */
  constructor(
    private readonly db: TransactionRunner,
    private readonly decideAndWrite: (manager: EntityManager, inputs: I[], read: R) => Promise<Array<Decision<O>>>,
    options: { maxBatch?: number; read?: (manager: EntityManager, inputs: I[]) => Promise<R> } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.read = options.read;
  }

  /** Through the next batch; `alone` answers instead when the batch cannot decide this request. */
  submit<R>(input: I, alone: () => Promise<R>): Promise<O | R> {
    return new Promise<O | R>((resolve, reject) => {
      // Started from a resolved promise, so even a path that throws at once answers its own request.
      this.waiting.push({ input, resolve, reject, alone: () => void Promise.resolve().then(alone).then(resolve, reject) });
      if (!this.committing) void this.commitWaiting();
    });
  }

  private async commitWaiting(): Promise<void> {
    this.committing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        let decisions: Array<Decision<O>>;
        try {
          const inputs = batch.map((w) => w.input);
          const read = this.read;
          decisions = read
            ? await this.db.writeAfterReading(
                (manager) => read(manager, inputs),
                (manager, result) => this.decideAndWrite(manager, inputs, result),
              )
            : await this.db.write((manager) => this.decideAndWrite(manager, inputs, undefined as R));
        } catch {
          this.stats.alone += batch.length;
          for (const w of batch) w.alone();
          continue;
        }
        this.stats.batches += 1;
        batch.forEach((w, i) => {
          const decision = decisions[i] ?? { alone: true };
          if ('value' in decision) {
            this.stats.decided += 1;
            w.resolve(decision.value);
          } else if ('error' in decision) {
            this.stats.decided += 1;
            w.reject(decision.error);
          } else {
            this.stats.alone += 1;
            w.alone();
          }
        });
      }
    } finally {
      this.committing = false;
    }
  }
}
