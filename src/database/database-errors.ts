/** Recognises unique-constraint violations from either driver, and which columns or index they hit. */
export function uniqueViolation(error: unknown): string | null {
  const driverError = (error as { driverError?: { code?: string; constraint?: string; detail?: string; message?: string } })?.driverError;
  if (!driverError) return null;
  if (driverError.code === '23505') return `${driverError.constraint ?? ''} ${driverError.detail ?? ''}`;
  const message = driverError.message ?? '';
  if (driverError.code === 'SQLITE_CONSTRAINT' && message.includes('UNIQUE constraint failed')) return message;
  return null;
}

export function isCheckViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } })?.driverError;
  if (!driverError) return false;
  return driverError.code === '23514' || (driverError.code === 'SQLITE_CONSTRAINT' && (driverError.message ?? '').includes('CHECK constraint failed'));
}

/** PostgreSQL error classes and codes that mean "the server cannot take this now", not "this request is wrong". */
const POSTGRES_UNAVAILABLE = /^(08|53|57P0[1-3])/;
const SOCKET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
/** SQLite: disk full, I/O failure, file gone or locked past the busy timeout. */
const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|IOERR|CANTOPEN|BUSY|READONLY)/;
const POOL_UNAVAILABLE = /Connection terminated|timeout exceeded when trying to connect|connection is insufficient|Client has encountered a connection error|Cannot use a pool after calling end/i;

/**
 * Whether `error` says the database cannot be reached or cannot write right now (a PostgreSQL
 * server down or restarting, a full disk), as opposed to a fault in the request or the code. Those
 * are answered 503 with Retry-After, what a client can act on, instead of 500.
 */
export function databaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError].filter((e): e is { code?: unknown; message?: unknown } => typeof e === 'object' && e !== null);
  return candidates.some(({ code, message }) => {
    if (typeof code === 'string' && (SOCKET_UNAVAILABLE.has(code) || SQLITE_UNAVAILABLE.test(code) || (/^[0-9A-Z]{5}$/.test(code) && POSTGRES_UNAVAILABLE.test(code)))) return true;
    return typeof message === 'string' && POOL_UNAVAILABLE.test(message);
  });
}
