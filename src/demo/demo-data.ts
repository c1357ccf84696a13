/** Real-looking immigration offices in all three Indonesian time zones. */
export const DEMO_OFFICES = [
  { code: 'JKT-SELATAN', name: 'Kantor Imigrasi Kelas I Khusus Jakarta Selatan', timeZone: 'Asia/Jakarta', dailyExpressQuota: 40, counters: 4 },
  { code: 'BATAM', name: 'Kantor Imigrasi Kelas I Khusus TPI Batam', timeZone: 'Asia/Jakarta', dailyExpressQuota: 25, counters: 3 },
  { code: 'DENPASAR', name: 'Kantor Imigrasi Kelas I TPI Denpasar', timeZone: 'Asia/Makassar', dailyExpressQuota: 20, counters: 3 },
  { code: 'JAYAPURA', name: 'Kantor Imigrasi Kelas I TPI Jayapura', timeZone: 'Asia/Jayapura', dailyExpressQuota: 10, counters: 2 },
];

/** Half-hour slots, 08:00-12:00 and 13:00-15:00 office time, Monday to Friday. */
export const DEMO_SLOT_TIMES = ['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '13:00', '13:30', '14:00', '14:30'];
export const DEMO_SLOT_CAPACITY = 8;
export const DEMO_DAYS = 14;

export function halfHourLater(time: string): string {
  const [h, m] = time.split(':').map(Number);
  const total = h * 60 + m + 30;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
