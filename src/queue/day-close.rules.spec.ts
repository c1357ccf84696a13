import { daysToClose } from './day-close.rules';

describe('daysToClose', () => {
  it.each([
    ['never closed: every day before today', null, '2030-03-04', { after: '', through: '2030-03-03' }],
    ['closed through yesterday: nothing', '2030-03-03', '2030-03-04', null],
    ['the first call after midnight: the day just over', '2030-03-03', '2030-03-05', { after: '2030-03-03', through: '2030-03-04' }],
    ['after days without a close (an outage): all of them at once', '2030-02-27', '2030-03-04', { after: '2030-02-27', through: '2030-03-03' }],
    ['across a year end', '2030-12-30', '2031-01-01', { after: '2030-12-30', through: '2030-12-31' }],
    ['a clock set back never reopens a day', '2030-03-10', '2030-03-04', null],
  ])('%s', (_, closedThrough, today, expected) => {
    expect(daysToClose(closedThrough, today)).toEqual(expected);
  });
});
