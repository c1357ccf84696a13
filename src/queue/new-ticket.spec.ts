import { newTicket, serviceDateOf, TicketFacts } from './new-ticket';
import { callKey } from './queue.rules';

const NOW = new Date('2030-03-04T02:05:00.000Z');
const SLOT_STARTS_AT = '2030-03-04T02:00:00.000Z';

const appointmentFacts = (overrides: Partial<TicketFacts> = {}): TicketFacts => ({
  kind: 'APPOINTMENT',
  appointmentId: 42,
  serviceType: 'RENEWAL',
  priority: false,
  manual: false,
  slotStartsAt: SLOT_STARTS_AT,
  expressActive: false,
  ...overrides,
});

const walkInFacts = (overrides: Partial<TicketFacts> = {}): TicketFacts => ({
  kind: 'WALK_IN',
  appointmentId: null,
  serviceType: 'NEW',
  priority: false,
  manual: false,
  slotStartsAt: null,
  expressActive: false,
  applicant: { name: 'Siti Rahayu', nik: '3174015203850001', phone: '081234567890' },
  ...overrides,
});

describe('newTicket', () => {
  it.each([
    ['APPOINTMENT', 1, 'A001'],
    ['APPOINTMENT', 27, 'A027'],
    ['APPOINTMENT', 1000, 'A1000'],
    ['WALK_IN', 1, 'W001'],
    ['WALK_IN', 315, 'W315'],
  ] as const)('numbers the %s ticket of sequence %d as %s', (kind, sequence, number) => {
    const facts = kind === 'APPOINTMENT' ? appointmentFacts() : walkInFacts();

    expect(newTicket('JKT-01', '2030-03-04', NOW, sequence, facts).number).toBe(number);
  });

  it('is a WAITING ticket not yet saved, of the office and service day given, checked in now', () => {
    const ticket = newTicket('JKT-01', '2030-03-04', NOW, 3, appointmentFacts({ manual: true }));

    expect(ticket).toEqual({
      id: 0,
      officeCode: 'JKT-01',
      serviceDate: '2030-03-04',
      number: 'A003',
      kind: 'APPOINTMENT',
      appointmentId: 42,
      serviceType: 'RENEWAL',
      priority: false,
      status: 'WAITING',
      counterNumber: null,
      manual: true,
      slotStartsAt: SLOT_STARTS_AT,
      applicantName: null,
      applicantNik: null,
      applicantPhone: null,
      checkedInAt: NOW.toISOString(),
      calledAt: null,
      startedAt: null,
      completedAt: null,
      completedInMode: null,
      recallCount: 0,
      callKey: expect.any(String),
    });
  });

  it('copies a walk-in’s applicant onto the ticket', () => {
    const ticket = newTicket('JKT-01', '2030-03-04', NOW, 1, walkInFacts());

    expect(ticket).toEqual(
      expect.objectContaining({ kind: 'WALK_IN', appointmentId: null, slotStartsAt: null, applicantName: 'Siti Rahayu', applicantNik: '3174015203850001', applicantPhone: '081234567890' }),
    );
  });

  it.each([
    ['a plain appointment', appointmentFacts(), 5],
    ['a priority appointment', appointmentFacts({ priority: true }), 6],
    ['an appointment with active express', appointmentFacts({ expressActive: true }), 7],
    ['a walk-in', walkInFacts(), 8],
    ['a priority express walk-in', walkInFacts({ priority: true, expressActive: true }), 9],
  ])('gives %s the callKey that callKey() gives for the same facts', (_, facts, sequence) => {
    const ticket = newTicket('JKT-01', '2030-03-04', NOW, sequence, facts);

    expect(ticket.callKey).toBe(
      callKey({ priority: facts.priority, expressActive: facts.expressActive, kind: facts.kind, slotStartsAt: facts.slotStartsAt, checkedInAt: NOW.toISOString(), number: ticket.number }),
    );
  });

  it('orders an express appointment ahead of a plain one checked in earlier', () => {
    const plain = newTicket('JKT-01', '2030-03-04', NOW, 1, appointmentFacts());
    const express = newTicket('JKT-01', '2030-03-04', new Date(NOW.getTime() + 60_000), 2, appointmentFacts({ expressActive: true }));

    expect(express.callKey < plain.callKey).toBe(true);
  });
});

describe('serviceDateOf', () => {
  it.each([
    ['16:30Z in Jakarta (UTC+7) is 23:30 the same day', '2026-03-01T16:30:00.000Z', 'Asia/Jakarta', '2026-03-01'],
    ['16:30Z in Jayapura (UTC+9) is 01:30 the next day', '2026-03-01T16:30:00.000Z', 'Asia/Jayapura', '2026-03-02'],
    ['16:59:59.999Z is still the day in Jakarta', '2026-03-01T16:59:59.999Z', 'Asia/Jakarta', '2026-03-01'],
    ['17:00Z is midnight of the next day in Jakarta', '2026-03-01T17:00:00.000Z', 'Asia/Jakarta', '2026-03-02'],
    ['22:00Z on the last of February in Jayapura is 1 March', '2026-02-28T22:00:00.000Z', 'Asia/Jayapura', '2026-03-01'],
    ['23:30Z in UTC is the same day', '2026-03-01T23:30:00.000Z', 'UTC', '2026-03-01'],
  ])('%s', (_, instant, timeZone, date) => {
    expect(serviceDateOf(new Date(instant), { timeZone })).toBe(date);
  });
});
