let current: string | undefined;

/**
 * Writes log lines about one request: `log` runs at once, and every line it writes carries the
 * request's id (see JsonLogger). Only the lines about a request carry its id: its access line and
 * its error line. Work done for many requests at once (a group-committed batch) is no single
 * request's. Carrying the id through every promise with AsyncLocalStorage was measured at ≈ 5 % of
 * the main thread's time per request, in promise hooks and garbage.
 */
export function withRequestId<T>(requestId: string, log: () => T): T {
  const outer = current;
  current = requestId;
  try {
    return log();
  } finally {
    current = outer;
  }
}

/** The id of the request whose lines are being written, if any. */
export function currentRequestId(): string | undefined {
  return current;
}
