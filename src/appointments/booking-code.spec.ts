import { BOOKING_CODE_LENGTH, CROCKFORD_ALPHABET, generateBookingCode, normalizeBookingCode, RandomPool } from './booking-code';

describe('generateBookingCode', () => {
  it('is 10 characters of Crockford base32 (no I, L, O, U)', () => {
    for (let i = 0; i < 1000; i++) expect(generateBookingCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  });

  it('uses the 32-symbol alphabet', () => {
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
    expect(new Set(CROCKFORD_ALPHABET).size).toBe(32);
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
    expect(BOOKING_CODE_LENGTH).toBe(10);
  });

  it('maps every byte value onto the alphabet (5 bits a symbol)', () => {
    const all = Buffer.from(Array.from({ length: 10 }, (_, i) => i * 31));
    expect(generateBookingCode(() => all)).toHaveLength(10);
    expect(generateBookingCode(() => Buffer.alloc(10, 0))).toBe('0000000000');
    expect(generateBookingCode(() => Buffer.alloc(10, 255))).toBe('ZZZZZZZZZZ');
    expect(generateBookingCode(() => Buffer.alloc(10, 32))).toBe('0000000000');
  });

  it('spreads symbols evenly and does not repeat', () => {
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const code = generateBookingCode();
      codes.add(code);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(codes.size).toBe(n);
    expect(counts.size).toBe(32);
    const expected = (n * 10) / 32; // 6250 per symbol; a fair die stays well within ±10 %
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.9);
      expect(count).toBeLessThan(expected * 1.1);
    }
  });

  it('draws from the random source it is given', () => {
    let calls = 0;
    const source = (size: number) => {
      calls++;
      return Buffer.alloc(size, 7);
    };
    expect(generateBookingCode(source)).toBe('7777777777');
    expect(calls).toBe(1);
  });
});

describe('normalizeBookingCode', () => {
  it.each([
    ['upper case', 'ABCDEFGH23', 'ABCDEFGH23'],
    ['lower case', 'abcdefgh23', 'ABCDEFGH23'],
    ['mixed case', 'aBcDeFgH23', 'ABCDEFGH23'],
    ['I read as 1', 'I234567890', '1234567890'],
    ['i read as 1', 'i234567890', '1234567890'],
    ['L read as 1', 'L234567890', '1234567890'],
    ['l read as 1', 'l234567890', '1234567890'],
    ['O read as 0', 'O234567890', '0234567890'],
    ['o read as 0', 'o234567890', '0234567890'],
    ['hyphens dropped', 'ABCDE-FGH23', 'ABCDEFGH23'],
    ['spaces dropped', 'ABCDE FGH23', 'ABCDEFGH23'],
  ])('accepts %s', (_, input, expected) => {
    expect(normalizeBookingCode(input)).toBe(expected);
  });

  it.each([
    ['U (not Crockford)', 'U234567890'],
    ['u', 'u234567890'],
    ['9 characters', 'ABCDEFGH2'],
    ['11 characters', 'ABCDEFGH234'],
    ['empty', ''],
    ['punctuation', 'ABCDEFGH2!'],
    ['a path', '../../etc/'],
    ['non-ASCII', 'ÄBCDEFGH23'],
  ])('rejects %s', (_, input) => {
    expect(normalizeBookingCode(input)).toBeNull();
  });
});

describe('RandomPool', () => {
  it('hands out each byte of a fill once, in order, then fills again', () => {
    let fills = 0;
    // Fill n writes n*100 + position, so every byte tells which fill and place it came from.
    const pool = new RandomPool(32, (buffer) => {
      fills++;
      for (let i = 0; i < buffer.length; i++) buffer[i] = (fills * 100 + i) % 256;
    });
    const take = (size: number) => [...pool.take(size)];

    expect([take(10), take(10), take(10)]).toEqual([0, 10, 20].map((from) => Array.from({ length: 10 }, (_, i) => 100 + from + i)));
    expect(fills).toBe(1);
    expect(take(10)).toEqual(Array.from({ length: 10 }, (_, i) => (200 + i) % 256)); // 30 + 10 > 32: a fresh fill, from its start
    expect(fills).toBe(2);
  });

  it('fills from the CSPRNG by default', () => {
    const bytes = [new RandomPool(64).take(32), new RandomPool(64).take(32)].map((b) => b.toString('hex'));
    expect(bytes[0]).not.toBe(bytes[1]);
    expect(bytes[0]).not.toBe('00'.repeat(32));
  });

  it('refuses a request larger than the pool', () => {
    expect(() => new RandomPool(8).take(9)).toThrow(RangeError);
  });
});
