/** Identity values as the contract defines them. Pure functions, no framework. */

/**
 * NIK (Nomor Induk Kependudukan): 16 digits; digits 7-12 are the birth date DDMMYY, with 40
 * added to DD for women. The two-digit year may be 19YY or 20YY; the date must exist in one of them.
 */
export function nikProblem(nik: unknown): string | null {
  if (typeof nik !== 'string' || !/^\d{16}$/.test(nik)) return 'nik must be exactly 16 digits';
  let day = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const year = Number(nik.slice(10, 12));
  if (day > 40) day -= 40;
  const valid = [1900 + year, 2000 + year].some((y) => isRealDate(y, month, day));
  return valid ? null : 'nik digits 7-12 must be a valid birth date DDMMYY (women add 40 to DD)';
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Only the first and last 4 digits are ever shown. */
export function maskNik(nik: string): string {
  return `${nik.slice(0, 4)}********${nik.slice(-4)}`;
}

/** Indonesian mobile: +628 or 08, then 7-11 digits. */
export const PHONE_PATTERN = /^(\+628|08)\d{7,11}$/;

export function phoneProblem(phone: unknown): string | null {
  return typeof phone === 'string' && PHONE_PATTERN.test(phone) ? null : 'phone must be an Indonesian mobile number: +628 or 08 followed by 7-11 digits';
}

/**
 * Names as people have them: letters of any script (with their accents), spaces, apostrophes,
 * hyphens, dots and commas (titles such as "S.H."). Single names are normal in Indonesia.
 */
const NAME_PATTERN = /^[\p{L}\p{M}](?:[\p{L}\p{M} .,'’-]*[\p{L}\p{M}.])?$/u;

export function fullNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'fullName must be text';
  const trimmed = name.trim();
  if (trimmed.length < 2 || trimmed.length > 100) return 'fullName must be 2-100 characters';
  if (!NAME_PATTERN.test(trimmed) || /\s{2,}/.test(trimmed)) return 'fullName may contain letters, single spaces, apostrophes, hyphens, dots and commas';
  return null;
}

/** Collapse surrounding whitespace before storing. */
export function normalizeFullName(name: string): string {
  return name.trim();
}
