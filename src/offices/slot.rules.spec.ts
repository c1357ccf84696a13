import { findOverlap, hasPositiveLength, slotsOverlap } from './slot.rules';

const slot = (start: string, end: string, date = '2026-12-01') => ({ date, start, end });

describe('slot rules', () => {
  it.each([
    [slot('08:00', '09:00'), slot('09:00', '10:00'), false],
    [slot('08:00', '09:00'), slot('08:30', '09:30'), true],
    [slot('08:00', '12:00'), slot('09:00', '10:00'), true],
    [slot('09:00', '10:00'), slot('08:00', '09:00'), false],
    [slot('08:00', '09:00'), slot('08:00', '09:00', '2026-12-02'), false],
    [slot('08:00', '09:00'), slot('08:00', '09:00'), true],
  ])('%j and %j overlap: %p', (a, b, expected) => {
    expect(slotsOverlap(a, b)).toBe(expected);
    expect(slotsOverlap(b, a)).toBe(expected);
  });

  it('finds a clash with an existing slot', () => {
    expect(findOverlap([slot('08:00', '09:00')], [slot('10:00', '11:00'), slot('08:30', '09:30')])?.slot).toEqual(slot('08:30', '09:30'));
  });

  it('finds a clash inside one batch', () => {
    expect(findOverlap([], [slot('08:00', '09:00'), slot('08:59', '09:30')])?.clashesWith).toEqual(slot('08:00', '09:00'));
  });

  it('accepts adjacent slots', () => {
    expect(findOverlap([slot('08:00', '08:30')], [slot('08:30', '09:00'), slot('09:00', '09:30')])).toBeNull();
  });

  it.each([
    ['08:00', '08:30', true],
    ['08:30', '08:30', false],
    ['09:00', '08:30', false],
  ])('%s-%s has positive length: %p', (start, end, expected) => {
    expect(hasPositiveLength(slot(start, end))).toBe(expected);
  });
});
