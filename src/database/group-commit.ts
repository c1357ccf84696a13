import { EntityManager } from 'typeorm';
import type { TransactionRunner } from './transaction-runner';

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

/** A batch's decisions, one per input in order, and the statements that carry out the accepted ones. */
export interface BatchPlan<O> {
  decisions: Array<Decision<O>>;
  /** Statements with their values inlined (see `inlineParams`); empty when nothing is accepted. */
  script: string[];
}

export interface BatchSteps<I, O, R> {
  /** What the decisions rest on: only reads, made just before the batch's script (see TransactionRunner.writeScript). */
  read(manager: EntityManager, inputs: I[]): Promise<R>;
  /** Decides every input from what was read. It runs while the job holds the write queue, so it returns at once, waiting for nothing. */
  plan(inputs: I[], read: R): BatchPlan<O>;
}

/**
 * Group commit on SQLite's single writer: the requests that arrive while the previous batch
 * commits are decided together in one write job with set-based statements (a handful per batch
 * instead of several per request), and each is answered only after that job's COMMIT. The job is
 * two trips through the thread pool: its reads, then its statements from BEGIN to COMMIT as one
 * script (see TransactionRunner.writeScript); a batch that only refuses writes nothing.
 *
 * Deciding in memory from reads made inside the job is sound because the write queue runs one job
 * at a time; the database's constraints still refuse what must never happen. If the batch fails as a
 * whole, nothing of it was saved and every request goes again on its own, so a refusal always
 * comes from the same rules as without batching.
 */
export class GroupCommit<I, O, R> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private committing = false;
  /** Batches written since start, requests decided in them, and requests that went alone. */
  readonly stats = { batches: 0, decided: 0, alone: 0 };

  private readonly maxBatch: number;

  constructor(
    private readonly db: Pick<TransactionRunner, 'writeScript'>,
    private readonly steps: BatchSteps<I, O, R>,
    options: { maxBatch?: number } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
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
          decisions = await this.db.writeScript(
            (manager) => this.steps.read(manager, inputs),
            (read) => {
              const { decisions, script } = this.steps.plan(inputs, read);
              return { script, result: decisions };
            },
          );
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
