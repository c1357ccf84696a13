import { ADDRESS_FACTOR, loginLimitKeys, lookupLimitKeys } from './rate-limit.rules';

describe('loginLimitKeys', () => {
  it('counts per address (generously), per username from that address, and per username from anywhere', () => {
    expect(loginLimitKeys('Admin', '10.0.0.7', false, 10)).toEqual([
      { key: 'ip:10.0.0.7', limit: 10 * ADDRESS_FACTOR },
      { key: 'user:admin@10.0.0.7', limit: 10 },
      { key: 'user:admin', limit: 10 },
    ]);
  });

  it('leaves the username-wide count out for an address the user signed in from lately', () => {
    expect(loginLimitKeys('admin', '10.0.0.7', true, 10).map((k) => k.key)).toEqual(['ip:10.0.0.7', 'user:admin@10.0.0.7']);
  });
});

describe('lookupLimitKeys', () => {
  it('counts per address (generously) and per booking code, never per NIK', () => {
    expect(lookupLimitKeys('ABCD2EFGH3', '10.0.0.7', 10)).toEqual([
      { key: 'ip:10.0.0.7', limit: 10 * ADDRESS_FACTOR },
      { key: 'code:ABCD2EFGH3', limit: 10 },
    ]);
  });
});
