import { randomFillSync } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so codes read aloud or typed by hand survive. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BOOKING_CODE_LENGTH = 10;

/**
 * CSPRNG bytes taken from a pool refilled 4 KiB at a time, as Node does for `randomUUID`: a call
 * into OpenSSL per 400 codes instead of one per code (measured: `randomBytes(10)` per booking was
 * 3 % of the main thread's time under a booking stampede). Each byte is handed out once. The bytes
 * are a view into the pool, valid until the next call: read them at once.
 */
export class RandomPool {
  private readonly pool: Buffer;
  private offset: number;

  constructor(
    size = 4096,
    private readonly fill: (buffer: Buffer) => void = randomFillSync,
  ) {
    this.pool = Buffer.alloc(size);
    this.offset = size;
  }

  take(size: number): Buffer {
    if (size > this.pool.length) throw new RangeError(`at most ${this.pool.length} bytes at a time`);
    if (this.offset + size > this.pool.length) {
      this.fill(this.pool);
      this.offset = 0;
    }
    const bytes = this.pool.subarray(this.offset, this.offset + size);
    this.offset += size;
    return bytes;
  }
}

const codeRandomness = new RandomPool();

/** 10 symbols × 5 bits = 50 bits from the CSPRNG. */
export function generateBookingCode(random: (size: number) => Buffer = (size) => codeRandomness.take(size)): string {
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
