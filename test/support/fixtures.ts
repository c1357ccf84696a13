import type { TestApp } from './test-app';

/** NIKs with valid birth dates: digits 7-12 are DDMMYY (women +40). `nik(n)` gives distinct ones. */
export function nik(n: number, female = false): string {
  const day = String((n % 28) + 1 + (female ? 40 : 0)).padStart(2, '0');
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0');
  const serial = String(n % 10000).padStart(4, '0');
  return `317401${day}${month}85${serial}`;
}

export function applicant(n: number) {
  return { nik: nik(n), fullName: `Warga Nomor ${String.fromCharCode(65 + (n % 26))}`, phone: `0812${String(10000000 + n).slice(-8)}` };
}

export const JAKARTA = 'Asia/Jakarta';

let officeCounter = 0;

/** An office with counters and slots, created through the admin API. */
export async function createOffice(
  t: TestApp,
  options: { code?: string; timeZone?: string; dailyExpressQuota?: number; counters?: number; slots?: Array<{ date: string; start: string; end: string; capacity: number }> } = {},
) {
  const token = await t.adminToken();
  const code = options.code ?? `OFF-${process.pid % 1000}-${++officeCounter}`;
  await t.http
    .post('/offices')
    .set('Authorization', `Bearer ${token}`)
    .send({ code, name: `Kantor Imigrasi ${code}`, timeZone: options.timeZone ?? JAKARTA, dailyExpressQuota: options.dailyExpressQuota ?? 5 })
    .expect(201);
  for (let n = 1; n <= (options.counters ?? 0); n++) {
    await t.http.post(`/offices/${code}/counters`).set('Authorization', `Bearer ${token}`).send({ number: n }).expect(201);
  }
  let slots: Array<{ id: number; date: string; start: string; end: string; capacity: number }> = [];
  if (options.slots?.length) {
    const res = await t.http.post(`/offices/${code}/slots`).set('Authorization', `Bearer ${token}`).send({ slots: options.slots }).expect(201);
    slots = res.body;
  }
  return { code, slots };
}

/** A staff user of an office and their token. */
export async function staffOf(t: TestApp, officeCode: string, username = `staff-${officeCode.toLowerCase()}`) {
  const password = 'staff-password-1234';
  await t.http.post('/users').set('Authorization', `Bearer ${await t.adminToken()}`).send({ username, password, role: 'STAFF', officeCode }).expect(201);
  const res = await t.http.post('/auth/login').send({ username, password }).expect(200);
  return res.body.accessToken as string;
}

/** Tomorrow's date in Jakarta, as YYYY-MM-DD (slots there are safely in the future). */
export function futureDate(days = 1): string {
  const d = new Date(Date.now() + days * 86400_000 + 7 * 3600_000);
  return d.toISOString().slice(0, 10);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
