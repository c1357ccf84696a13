import { databaseUnavailable } from './database-errors';

const queryFailed = (driverError: object) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError });

describe('databaseUnavailable', () => {
  it.each([
    ['PostgreSQL refusing connections', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['PostgreSQL shutting down (57P01)', queryFailed({ code: '57P01', message: 'terminating connection due to administrator command' })],
    ['PostgreSQL starting up (57P03)', queryFailed({ code: '57P03', message: 'the database system is starting up' })],
    ['a connection exception (08006)', queryFailed({ code: '08006', message: 'connection failure' })],
    ['too many connections (53300)', queryFailed({ code: '53300', message: 'sorry, too many clients already' })],
    ['PostgreSQL out of disk (53100)', queryFailed({ code: '53100', message: 'could not extend file' })],
    ['a connection lost mid-query', queryFailed({ message: 'Connection terminated unexpectedly' })],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['SQLite with a full disk', queryFailed({ code: 'SQLITE_FULL', message: 'SQLITE_FULL: database or disk is full' })],
    ['SQLite failing to write', queryFailed({ code: 'SQLITE_IOERR', message: 'SQLITE_IOERR: disk I/O error' })],
    ['SQLite locked past its busy timeout', queryFailed({ code: 'SQLITE_BUSY', message: 'SQLITE_BUSY: database is locked' })],
  ])('is true for %s', (_, error) => {
    expect(databaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', queryFailed({ code: '23505', message: 'duplicate key value' })],
    ['a value too long (22001)', queryFailed({ code: '22001', message: 'value too long for type character varying(120)' })],
    ['a check violation on SQLite', queryFailed({ code: 'SQLITE_CONSTRAINT', message: 'CHECK constraint failed' })],
    ['a syntax error (42601)', queryFailed({ code: '42601', message: 'syntax error' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'split')")],
    ['nothing at all', undefined],
  ])('is false for %s', (_, error) => {
    expect(databaseUnavailable(error)).toBe(false);
  });
});
