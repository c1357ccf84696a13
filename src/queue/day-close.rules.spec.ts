import { daysToClose, MAX_DAYS_PER_CLOSE } from './day-close.rules';

describe('daysToClose', () => {
  it.each([
    ['never closed: from the day the office was created', null, '2030-03-01', '2030-03-04', { after: '2030-02-28', through: '2030-03-03' }],
    ['never closed, created today: an empty stretch, to record that today is the first day', null, '2030-03-04', '2030-03-04', { after: '2030-03-03', through: '2030-03-03' }],
    ['closed through yesterday: nothing', '2030-03-03', '2030-01-01', '2030-03-04', null],
    ['the first call after midnight: the day just over, and the one before once more', '2030-03-03', '2030-01-01', '2030-03-05', { after: '2030-03-02', through: '2030-03-04' }],
    ['after days without a close (an outage): all of them at once', '2030-02-27', '2030-01-01', '2030-03-04', { after: '2030-02-26', through: '2030-03-03' }],
    ['across a year end', '2030-12-30', '2030-01-01', '2031-01-01', { after: '2030-12-29', through: '2030-12-31' }],
    ['a clock set back never reopens a day', '2030-03-10', '2030-01-01', '2030-03-04', null],
  ])('%s', (_, closedThrough, createdOn, today, expected) => {
    expect(daysToClose(closedThrough, createdOn, today)).toEqual(expected);
  });

  it(`closes a long history ${MAX_DAYS_PER_CLOSE} days at a time, each stretch starting where the last ended`, () => {
    const stretches = [];
    let closedThrough: string | null = null;
    for (let days = daysToClose(null, '2029-01-01', '2030-03-04'); days; days = daysToClose(closedThrough, '2029-01-01', '2030-03-04')) {
      stretches.push(days);
      closedThrough = days.through;
    }
    expect(stretches[0]).toEqual({ after: '2028-12-31', through: '2029-01-31' });
    expect(stretches[1]).toEqual({ after: '2029-01-30', through: '2029-03-03' });
    expect(stretches.at(-1)!.through).toBe('2030-03-03');
    expect(stretches).toHaveLength(14);
  });
});
