/** A failure count and the number of failures it allows within the window before 429. */
export interface LimitKey {
  key: string;
  limit: number;
}

/** A whole office (its kiosks, its staff, a hotspot) can sit behind one address. */
export const ADDRESS_FACTOR = 10;

/**
 * Failed logins are counted per client address (generously), per username from that address, and
 * per username from anywhere. The last one stops guessing spread over many addresses, but alone it
 * would let anybody lock an admin out, in an outage too, by sending wrong passwords: so it is not
 * applied from an address the user has signed in from lately (`trusted`).
 */
export function loginLimitKeys(username: string, clientIp: string, trusted: boolean, limit: number): LimitKey[] {
  const user = username.toLowerCase();
  const keys = [
    { key: `ip:${clientIp}`, limit: limit * ADDRESS_FACTOR },
    { key: `user:${user}@${clientIp}`, limit },
  ];
  if (!trusted) keys.push({ key: `user:${user}`, limit });
  return keys;
}

/**
 * Failed look-ups (code + NIK) are counted per client address (generously) and per booking code.
 * What can be guessed is the NIK of a code one holds (a NIK is a region, a birth date and a serial);
 * a code (50 random bits) cannot be. Not per NIK: NIKs are printed on every identity card and
 * photocopied everywhere, so a count per NIK would let anybody lock a person out of their booking.
 */
export function lookupLimitKeys(code: string, clientIp: string, limit: number): LimitKey[] {
  return [
    { key: `ip:${clientIp}`, limit: limit * ADDRESS_FACTOR },
    { key: `code:${code}`, limit },
  ];
}
