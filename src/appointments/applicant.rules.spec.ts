import { fullNameProblem, maskNik, nikProblem, normalizeFullName, phoneProblem } from './applicant.rules';

/** A NIK with the given DDMMYY in digits 7-12 (region 317401, serial 0001). */
const nikWith = (ddmmyy: string) => `317401${ddmmyy}0001`;

describe('nikProblem', () => {
  it.each([
    ['a man born 15 Feb 1985', nikWith('150285')],
    ['a woman born 15 Feb 1985 (day + 40)', nikWith('550285')],
    ['the first day of a month', nikWith('010190')],
    ['31 Dec', nikWith('311299')],
    ['a woman born 31 Dec (day 71)', nikWith('711299')],
    ['a woman born on the 1st (day 41)', nikWith('410101')],
    ['30 Apr', nikWith('300485')],
    ['29 Feb 1984 (leap)', nikWith('290284')],
    ['29 Feb 2000 (00: 2000 is leap)', nikWith('290200')],
    ['29 Feb 2004', nikWith('290204')],
    ['a woman born 29 Feb 1996', nikWith('690296')],
  ])('accepts %s', (_, nik) => {
    expect(nikProblem(nik)).toBeNull();
  });

  it.each([
    ['15 digits', '317401150285001'],
    ['17 digits', '31740115028500011'],
    ['letters', '31740115028500A1'],
    ['spaces', '3174 0115028500 1'],
    ['a number, not text', 3174011502850001],
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['full-width digits', '３１７４０１１５０２８５０００１'],
    ['31 Feb', nikWith('310285')],
    ['30 Feb', nikWith('300285')],
    ['29 Feb 1985 (not leap)', nikWith('290285')],
    ['29 Feb 2001/1901 (neither leap)', nikWith('290201')],
    ['a woman born 29 Feb 1985', nikWith('690285')],
    ['31 Apr', nikWith('310485')],
    ['day 00', nikWith('000185')],
    ['day 32', nikWith('320185')],
    ['day 40 (neither a man nor a woman)', nikWith('400185')],
    ['day 72 (woman, 32nd)', nikWith('720185')],
    ['month 00', nikWith('150085')],
    ['month 13', nikWith('151385')],
  ])('rejects %s', (_, nik) => {
    expect(nikProblem(nik)).toEqual(expect.any(String));
  });
});

describe('maskNik', () => {
  it('shows only the first 4 and last 4 digits', () => {
    const masked = maskNik('3174011502851234');
    expect(masked).toMatch(/^3174\*+1234$/);
    expect(masked.replace(/\*/g, '')).toBe('31741234');
    expect(masked).not.toContain('150285');
  });
});

describe('phoneProblem', () => {
  it.each([
    ['08 + 7 digits (shortest)', '081234567'],
    ['08 + 11 digits (longest)', '0812345678901'],
    ['+628 + 7 digits', '+6281234567'],
    ['+628 + 11 digits', '+62812345678901'],
    ['a common number', '081234567890'],
  ])('accepts %s', (_, phone) => {
    expect(phoneProblem(phone)).toBeNull();
  });

  it.each([
    ['08 + 6 digits', '08123456'],
    ['08 + 12 digits', '08123456789012'],
    ['+628 + 6 digits', '+628123456'],
    ['+628 + 12 digits', '+628123456789012'],
    ['+62 then not 8', '+6221234567'],
    ['a landline (021)', '0211234567'],
    ['62 without plus', '6281234567'],
    ['spaces', '0812 3456 789'],
    ['dashes', '0812-3456-789'],
    ['a foreign number', '+14155552671'],
    ['a number, not text', 81234567890],
    ['empty', ''],
    ['null', null],
  ])('rejects %s', (_, phone) => {
    expect(phoneProblem(phone)).toEqual(expect.any(String));
  });
});

describe('fullNameProblem', () => {
  it.each([
    ['a plain name', 'Budi Santoso'],
    ['a single name', 'Sukarno'],
    ['two letters', 'Ed'],
    ['accents', 'José Müller'],
    ['an apostrophe', "Ma'ruf Amin"],
    ['a typographic apostrophe', 'D’Angelo Putra'],
    ['a hyphen', 'Siti Nur-Aisyah'],
    ['titles with dots and comma', 'Andi Wijaya, S.H.'],
    ['a non-Latin script', 'Ιωάννης'],
    ['100 characters', 'A'.repeat(100)],
    ['surrounding spaces (trimmed)', '  Budi  '],
  ])('accepts %s', (_, name) => {
    expect(fullNameProblem(name)).toBeNull();
  });

  it.each([
    ['one character', 'A'],
    ['101 characters', 'A'.repeat(101)],
    ['empty', ''],
    ['only spaces', '    '],
    ['digits', 'Budi 2'],
    ['an emoji', 'Budi 😀'],
    ['markup', '<script>alert(1)</script>'],
    ['angle brackets', 'Budi <b>'],
    ['double spaces', 'Budi  Santoso'],
    ['a tab', 'Budi\tSantoso'],
    ['a newline', 'Budi\nSantoso'],
    ['starting with a hyphen', '-Budi'],
    ['ending with a hyphen', 'Budi-'],
    ['a semicolon', 'Budi; DROP TABLE'],
    ['a number, not text', 42],
    ['null', null],
  ])('rejects %s', (_, name) => {
    expect(fullNameProblem(name)).toEqual(expect.any(String));
  });

  it('stores the name trimmed', () => {
    expect(normalizeFullName('  Budi Santoso ')).toBe('Budi Santoso');
  });
});
