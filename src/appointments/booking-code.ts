import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so codes read aloud or typed by hand survive. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BOOKING_CODE_LENGTH = 10;

/** 10 symbols × 5 bits = 50 bits from the CSPRNG. */
export function generateBookingCode(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(BOOKING_CODE_LENGTH);
  let code = '';
  for (let i = 0; i < BOOKING_CODE_LENGTH; i++) code += CROCKFORD_ALPHABET[bytes[i] & 31];
  return code;
}

/**
 * Canonical form of a code a person typed: upper case, hyphens and spaces dropped, and the
 * Crockford look-alikes read as digits (I and L as 1, O as 0). Null when it cannot be a code.
 */
export function normalizeBookingCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[-\s]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== BOOKING_CODE_LENGTH) return null;
  for (const ch of code) if (!CROCKFORD_ALPHABET.includes(ch)) return null;
  return code;
}
