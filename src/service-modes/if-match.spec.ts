import { DomainError } from '../common/domain-error';
import { expectedVersion, parseIfMatch } from './if-match';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : error;
  }
  return null;
};

describe('parseIfMatch', () => {
  it.each([
    [undefined, { kind: 'absent' }],
    ['*', { kind: 'any' }],
    ['"0"', { kind: 'version', version: 0 }],
    ['"3"', { kind: 'version', version: 3 }],
    ['"123456789"', { kind: 'version', version: 123456789 }],
    ['W/"3"', { kind: 'weak' }],
    ['W/"x"', { kind: 'weak' }],
    ['W/""', { kind: 'weak' }],
  ])('reads %p', (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });

  it.each(['', '3', '"3', '3"', "'3'", '""', '"03"', '"-1"', '"1.0"', '"1e0"', '"1234567890"', '"1", "2"', '"1","1"', 'W/3', 'w/"3"', 'W/"3', '**', '* ', '"a"'])(
    'refuses %p with 400 VALIDATION_FAILED',
    (header) => {
      expect(codeOf(() => parseIfMatch(header))).toBe('VALIDATION_FAILED');
    },
  );
});

describe('expectedVersion', () => {
  it('is the version asked for, or undefined when any version will do', () => {
    expect(expectedVersion({ kind: 'version', version: 4 })).toBe(4);
    expect(expectedVersion({ kind: 'any' })).toBeUndefined();
    expect(expectedVersion({ kind: 'absent' })).toBeUndefined();
  });

  it('fails a weak tag with 412 VERSION_CONFLICT: If-Match compares strongly', () => {
    expect(codeOf(() => expectedVersion({ kind: 'weak' }))).toBe('VERSION_CONFLICT');
  });
});
