import { DomainError } from '../common/domain-error';

/** What an If-Match header asks for: no precondition, any current version (`*`), one version, or a weak tag. */
export type IfMatch = { kind: 'absent' } | { kind: 'any' } | { kind: 'version'; version: number } | { kind: 'weak' };

const VERSION_TAG = /^"(0|[1-9][0-9]{0,8})"$/;
/** RFC 9110's weak entity-tag: W/ and a quoted opaque tag (no quote, no control characters inside). */
const WEAK_TAG = /^W\/"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * One entity-tag as the app hands them out (`"3"`), `*`, or a weak tag. Anything else, a list of
 * tags included, is 400: a mode has one current version, so a list or a bare number is a mistake
 * the client should hear about rather than a precondition that quietly never holds.
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return { kind: 'absent' };
  if (header === '*') return { kind: 'any' };
  const version = VERSION_TAG.exec(header);
  if (version) return { kind: 'version', version: Number(version[1]) };
  if (WEAK_TAG.test(header)) return { kind: 'weak' };
  throw new DomainError('VALIDATION_FAILED', 'If-Match must be one version in double quotes, such as "3", or *.', {
    details: [{ field: 'If-Match', problems: ['must be one quoted version number such as "3", or *'] }],
  });
}

/**
 * The version the write must find (undefined: any). If-Match compares strongly (RFC 9110 13.1.1),
 * so a weak tag never matches, whatever it says.
 */
export function expectedVersion(ifMatch: IfMatch): number | undefined {
  if (ifMatch.kind === 'weak') {
    throw new DomainError('VERSION_CONFLICT', 'If-Match compares versions exactly, so a weak tag (W/"3") never matches. Send the version as "3".');
  }
  return ifMatch.kind === 'version' ? ifMatch.version : undefined;
}
