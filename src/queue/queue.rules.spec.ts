import { AFTER_ANY_NUMBER, CallOrderFacts, callKey, callKeyBoundAroundSlot, callKeyUpTo, canTicketMove, compareCallOrder, estimateWaitMinutes, EXPRESS_FLAG_INDEX, meanServiceMinutes, sequenceName, positionsOfNewTickets, ticketNumber, withExpressFlag } from './queue.rules';
import type { TicketStatus } from './ticket.entity';

const SLOT_0900 = '2030-03-04T02:00:00.000Z';
const SLOT_0930 = '2030-03-04T02:30:00.000Z';
const AT = (minute: number) => `2030-03-04T01:${String(minute).padStart(2, '0')}:00.000Z`;

function facts(overrides: Partial<CallOrderFacts>): CallOrderFacts {
  return { priority: false, expressActive: false, kind: 'APPOINTMENT', slotStartsAt: SLOT_0900, checkedInAt: AT(10), number: 'A001', ...overrides };
}

describe('call order', () => {
  const walkIn = (o: Partial<CallOrderFacts> = {}) => facts({ kind: 'WALK_IN', slotStartsAt: null, number: 'W001', ...o });

  it.each<[string, CallOrderFacts, CallOrderFacts]>([
    ['a priority walk-in before an ACTIVE express appointment', walkIn({ priority: true, checkedInAt: AT(50) }), facts({ expressActive: true, checkedInAt: AT(1) })],
    ['a priority appointment before a plain earlier-slot appointment', facts({ priority: true, slotStartsAt: SLOT_0930 }), facts({ slotStartsAt: SLOT_0900, checkedInAt: AT(1) })],
    ['an ACTIVE express walk-in before a plain appointment', walkIn({ expressActive: true, checkedInAt: AT(50) }), facts({ checkedInAt: AT(1) })],
    ['an ACTIVE express appointment before a plain earlier-slot appointment', facts({ expressActive: true, slotStartsAt: SLOT_0930, checkedInAt: AT(50) }), facts({ slotStartsAt: SLOT_0900 })],
    ['an earlier slot before a later slot, whatever the check-in time', facts({ slotStartsAt: SLOT_0900, checkedInAt: AT(59) }), facts({ slotStartsAt: SLOT_0930, checkedInAt: AT(1) })],
    ['any appointment before any walk-in', facts({ slotStartsAt: SLOT_0930, checkedInAt: AT(59) }), walkIn({ checkedInAt: AT(1) })],
    ['same slot: earlier check-in first', facts({ checkedInAt: AT(5), number: 'A009' }), facts({ checkedInAt: AT(6), number: 'A002' })],
    ['walk-ins: earlier check-in first', walkIn({ checkedInAt: AT(5), number: 'W009' }), walkIn({ checkedInAt: AT(6), number: 'W002' })],
    ['priority appointment by slot before a priority walk-in', facts({ priority: true, checkedInAt: AT(50) }), walkIn({ priority: true, checkedInAt: AT(1) })],
    ['express appointment before express walk-in', facts({ expressActive: true, checkedInAt: AT(50) }), walkIn({ expressActive: true, checkedInAt: AT(1) })],
    ['same instant: lower number first', facts({ number: 'A002' }), facts({ number: 'A010' })],
    ['same instant past 999: A999 before A1000', facts({ number: 'A999' }), facts({ number: 'A1000' })],
  ])('%s', (_, first, second) => {
    expect(compareCallOrder(first, second)).toBeLessThan(0);
    expect(compareCallOrder(second, first)).toBeGreaterThan(0);
    expect(callKey(first) < callKey(second)).toBe(true);
  });

  it('sorts a mixed queue in contract order', () => {
    const expected = [
      walkIn({ priority: true, checkedInAt: AT(40), number: 'W003' }),
      facts({ expressActive: true, slotStartsAt: SLOT_0930, checkedInAt: AT(30), number: 'A005' }),
      walkIn({ expressActive: true, checkedInAt: AT(20), number: 'W002' }),
      facts({ slotStartsAt: SLOT_0900, checkedInAt: AT(25), number: 'A004' }),
      facts({ slotStartsAt: SLOT_0930, checkedInAt: AT(2), number: 'A001' }),
      facts({ slotStartsAt: SLOT_0930, checkedInAt: AT(3), number: 'A002' }),
      walkIn({ checkedInAt: AT(1), number: 'W001' }),
      walkIn({ checkedInAt: AT(45), number: 'W004' }),
    ];
    const shuffled = [expected[5], expected[7], expected[0], expected[3], expected[6], expected[1], expected[4], expected[2]];
    expect([...shuffled].sort(compareCallOrder).map((f) => f.number)).toEqual(expected.map((f) => f.number));
  });

  it('fits the callKey column (varchar 64)', () => {
    expect(callKey(walkIn({ number: 'W99999' })).length).toBeLessThanOrEqual(64);
  });
});

describe('withExpressFlag', () => {
  it.each([
    [false, true],
    [true, false],
    [true, true],
    [false, false],
  ])('from expressActive=%s to %s gives the key the ticket would have been issued with', (from, to) => {
    const base = facts({ priority: true, slotStartsAt: SLOT_0930 });
    expect(withExpressFlag(callKey({ ...base, expressActive: from }), to)).toBe(callKey({ ...base, expressActive: to }));
  });

  it('changes only the express flag position', () => {
    const key = callKey(facts({}));
    const flipped = withExpressFlag(key, true);
    expect([...flipped].filter((c, i) => c !== key[i])).toHaveLength(1);
    expect(flipped[EXPRESS_FLAG_INDEX]).toBe('0');
  });
});

describe('ticketNumber', () => {
  it.each<['APPOINTMENT' | 'WALK_IN', number, string]>([
    ['APPOINTMENT', 1, 'A001'],
    ['APPOINTMENT', 42, 'A042'],
    ['APPOINTMENT', 999, 'A999'],
    ['APPOINTMENT', 1000, 'A1000'],
    ['WALK_IN', 1, 'W001'],
    ['WALK_IN', 120, 'W120'],
    ['WALK_IN', 12345, 'W12345'],
  ])('%s #%d is %s', (kind, sequence, expected) => {
    expect(ticketNumber(kind, sequence)).toBe(expected);
  });

  it.each([
    ['APPOINTMENT', 'A'],
    ['WALK_IN', 'W'],
  ] as const)('%s tickets draw from sequence %s', (kind, name) => {
    expect(sequenceName(kind)).toBe(name);
  });
});

describe('ticket transitions', () => {
  const ALL: TicketStatus[] = ['WAITING', 'CALLED', 'SERVING', 'DONE', 'NO_SHOW'];
  const ALLOWED = new Set(['WAITING>CALLED', 'CALLED>SERVING', 'CALLED>NO_SHOW', 'SERVING>DONE']);
  const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to, ALLOWED.has(`${from}>${to}`)] as const));

  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTicketMove(from, to)).toBe(allowed);
  });
});

describe('estimateWaitMinutes', () => {
  it.each([
    [1, 10, 1, 10],
    [3, 10, 2, 15],
    [1, 7, 2, 4],
    [5, 12.5, 3, 21],
    [2, 20, 4, 10],
    [1, 10, 0, 10],
    [4, 0.1, 1, 1],
    [27, 7 / 3, 1, 63],
    [15, 25 / 3, 1, 125],
    [3, 0.1, 1, 1],
    [6, 10 / 3, 2, 10],
  ])('position %d × %s min ÷ %d counters = %d (rounded up)', (position, mean, counters, expected) => {
    expect(estimateWaitMinutes(position, mean, counters)).toBe(expected);
  });

  it.each([
    [7, 1],
    [7, 3],
    [12.5, 4],
    [0.3, 7],
  ])('never falls along the queue (mean %d, %d counters)', (mean, counters) => {
    const estimates = Array.from({ length: 60 }, (_, i) => estimateWaitMinutes(i + 1, mean, counters));
    estimates.slice(1).forEach((value, i) => expect(value).toBeGreaterThanOrEqual(estimates[i]));
  });
});

describe('meanServiceMinutes', () => {
  it.each<[string, number[], number[], number, number, number]>([
    ['enough samples in the current mode: their mean', [20, 30, 40], [20, 30, 40, 5, 5], 3, 10, 30],
    ['too few in the mode, enough overall: the overall mean', [20], [20, 10, 30], 3, 10, 20],
    ['too few anywhere: the configured default', [20], [20, 10], 3, 7, 7],
    ['nothing yet: the default', [], [], 1, 9, 9],
    ['exactly the minimum counts', [12, 18], [12, 18], 2, 7, 15],
  ])('%s', (_, inMode, all, min, fallback, expected) => {
    expect(meanServiceMinutes(inMode, all, min, fallback)).toBe(expected);
  });
});

describe('callKeyUpTo and AFTER_ANY_NUMBER', () => {
  const facts = { priority: false, expressActive: false, kind: 'APPOINTMENT' as const, slotStartsAt: '2030-03-04T02:00:00.000Z', checkedInAt: '2030-03-04T02:05:00.000Z' };

  it('is the key without its number', () => {
    expect(callKey({ ...facts, number: 'A007' })).toBe(`${callKeyUpTo(facts)}    A007`);
  });

  it('bounds from above every key with the same facts, whatever the number, and no later one', () => {
    const bound = callKeyUpTo(facts) + AFTER_ANY_NUMBER;
    for (const number of ['A001', 'A999', 'A1000', 'A99999999', 'W1']) expect(callKey({ ...facts, number }) < bound).toBe(true);
    expect(callKey({ ...facts, checkedInAt: '2030-03-04T02:05:00.001Z', number: 'A001' }) > bound).toBe(true);
    expect(callKey({ ...facts, slotStartsAt: '2030-03-04T02:30:00.000Z', checkedInAt: '2030-03-04T01:00:00.000Z', number: 'A001' }) > bound).toBe(true);
  });

  it('around a slot not known yet, is the same bound once the slot’s start is put in between', () => {
    const { slotStartsAt, ...withoutSlot } = facts;
    const { before, after } = callKeyBoundAroundSlot(withoutSlot);
    expect(before + slotStartsAt + after).toBe(callKeyUpTo(facts) + AFTER_ANY_NUMBER);
    expect(before + '2030-03-04T03:00:00.000Z' + after).toBe(callKeyUpTo({ ...facts, slotStartsAt: '2030-03-04T03:00:00.000Z' }) + AFTER_ANY_NUMBER);
  });
});

describe('positionsOfNewTickets', () => {
  const ticket = (officeCode: string, callKey: string) => ({ officeCode, serviceDate: '2030-03-04', callKey });

  it('adds the tickets already waiting ahead to those of the batch ahead in the same queue', () => {
    const batch = [ticket('JKT', 'c'), ticket('JKT', 'a'), ticket('DPS', 'b'), ticket('JKT', 'b')];
    const alreadyAhead = new Map([
      ['JKT', 5],
      ['DPS', 0],
    ]);
    expect(positionsOfNewTickets(batch, (t) => alreadyAhead.get(t.officeCode)!)).toEqual([8, 6, 1, 7]);
  });

  it('ranks a large batch the same as counting one by one', () => {
    const batch = Array.from({ length: 256 }, (_, i) => ticket(i % 3 === 0 ? 'DPS' : 'JKT', `k${String((i * 7919) % 1000).padStart(4, '0')}`));
    const byCounting = batch.map((t) => batch.filter((o) => o.officeCode === t.officeCode && o.callKey < t.callKey).length + 2);
    expect(positionsOfNewTickets(batch, () => 1)).toEqual(byCounting);
  });

  it('keeps queues of different days apart', () => {
    const batch = [ticket('JKT', 'b'), { ...ticket('JKT', 'a'), serviceDate: '2030-03-05' }];
    expect(positionsOfNewTickets(batch, () => 0)).toEqual([1, 1]);
  });
});
