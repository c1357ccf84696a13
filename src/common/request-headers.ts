/**
 * Headers the app reads as one value, as the contract spells them. Node joins repeated lines of most
 * headers with ", " ("k-one, k-two" was taken as one Idempotency-Key) and keeps only the first
 * Authorization or Content-Type, so a repeat would be read as one odd value or silently dropped.
 */
const SINGLE_VALUE_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Applicant-NIK'];
const SINGLE_VALUE_BY_LOWER_NAME = new Map(SINGLE_VALUE_HEADERS.map((name) => [name.toLowerCase(), name]));

/** The first single-value header sent on more than one line, from Node's rawHeaders (name, value, name, value, …). */
export function repeatedSingleValueHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = SINGLE_VALUE_BY_LOWER_NAME.get(rawHeaders[i].toLowerCase());
    if (name === undefined) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
