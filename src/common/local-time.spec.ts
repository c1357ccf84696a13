import { addDays, canonicalTimeZone, isCalendarDate, isValidTimeZone, localDateOf, localToInstant } from './local-time';

describe('local time', () => {
  it.each([
    ['2026-12-01', '08:00', 'Asia/Jakarta', '2026-12-01T01:00:00.000Z'],
    ['2026-12-01', '08:00', 'Asia/Makassar', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01', '08:00', 'Asia/Jayapura', '2026-11-30T23:00:00.000Z'],
    ['2026-07-01', '09:30', 'Europe/Amsterdam', '2026-07-01T07:30:00.000Z'],
    ['2026-01-15', '09:30', 'Europe/Amsterdam', '2026-01-15T08:30:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(localToInstant(date, time, zone).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-11-30T23:30:00.000Z', 'Asia/Jayapura', '2026-12-01'],
    ['2026-11-30T23:30:00.000Z', 'Asia/Jakarta', '2026-12-01'],
    ['2026-11-30T16:59:59.000Z', 'Asia/Jakarta', '2026-11-30'],
    ['2026-11-30T17:00:00.000Z', 'Asia/Jakarta', '2026-12-01'],
  ])('%s is local date %s in %s', (instant, zone, expected) => {
    expect(localDateOf(new Date(instant), zone)).toBe(expected);
  });

  it.each([
    ['Asia/Jakarta', true],
    ['Asia/Makassar', true],
    ['Asia/Jayapura', true],
    ['UTC', true],
    ['Asia/Atlantis', false],
    ['WIB', false],
    ['', false],
    ['../../etc/passwd', false],
  ])('time zone %p valid: %p', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });

  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2028-02-29', true],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2099-12-31', true],
    ['2100-01-01', false],
    ['9999-12-31', false],
    ['1999-12-31', false],
  ])('calendar date %s valid: %p', (date, valid) => {
    expect(isCalendarDate(date)).toBe(valid);
  });

  it.each([
    ['Asia/Jakarta', 'Asia/Jakarta'],
    ['asia/jakarta', 'Asia/Jakarta'],
    ['ASIA/JAYAPURA', 'Asia/Jayapura'],
    ['Etc/GMT-9', 'Etc/GMT-9'],
  ])('spells time zone %s as %s', (zone, canonical) => {
    expect(canonicalTimeZone(zone)).toBe(canonical);
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
