import { expectChanges, inlineParams, insertValues } from './sql';

describe('inlineParams', () => {
  it('writes each value as an SQLite literal in place of its placeholder', () => {
    expect(inlineParams('SELECT ?, ?, ?, ?, ?', ['text', 42, -1.5, null, true])).toBe("SELECT 'text', 42, -1.5, NULL, 1");
    expect(inlineParams('SELECT ?', [false])).toBe('SELECT 0');
    expect(inlineParams('SELECT ?', [undefined])).toBe('SELECT NULL');
    expect(inlineParams('SELECT ?', [12345678901234567890n])).toBe('SELECT 12345678901234567890');
  });

  it('doubles single quotes, the only escape of an SQLite string, so a value cannot end its literal', () => {
    expect(inlineParams('SELECT ?', ["O'Brien"])).toBe("SELECT 'O''Brien'");
    expect(inlineParams('SELECT ?', ["x'); DROP TABLE appointments; --"])).toBe("SELECT 'x''); DROP TABLE appointments; --'");
    expect(inlineParams('SELECT ?', [JSON.stringify([{ name: "Ma'ruf", note: 'a "quote" and \\ back' }])])).toBe(
      `SELECT '[{"name":"Ma''ruf","note":"a \\"quote\\" and \\\\ back"}]'`,
    );
  });

  it('numbers ?NNN placeholders as SQLite does: by their number, and a bare ? after them continues from the highest', () => {
    expect(inlineParams('SELECT ?1 + ?1, ?2', [1, 2])).toBe('SELECT 1 + 1, 2');
    expect(inlineParams('SELECT ?2, ?', ['b', 'c', 'd'])).toBe("SELECT 'c', 'd'");
  });

  it('leaves question marks in strings, quoted identifiers and comments alone', () => {
    const sql = `SELECT '?' AS "a?", ? -- why?\n /* or ? */ FROM t WHERE x = 'it''s ?' AND y = ?`;
    expect(inlineParams(sql, [1, 2])).toBe(`SELECT '?' AS "a?", 1 -- why?\n /* or ? */ FROM t WHERE x = 'it''s ?' AND y = 2`);
  });

  it('refuses what it cannot write safely: a missing value, NaN or infinity, a NUL, an object', () => {
    expect(() => inlineParams('SELECT ?, ?', [1])).toThrow('no value for placeholder ?2');
    expect(() => inlineParams('SELECT ?3', [1, 2])).toThrow('no value for placeholder ?3');
    expect(() => inlineParams('SELECT ?', [Number.NaN])).toThrow();
    expect(() => inlineParams('SELECT ?', [Number.POSITIVE_INFINITY])).toThrow();
    expect(() => inlineParams('SELECT ?', ['a\0b'])).toThrow('NUL');
    expect(() => inlineParams('SELECT ?', [{ a: 1 }])).toThrow('cannot inline a object');
  });
});

describe('insertValues', () => {
  it('writes one tuple of literals per row, under quoted column names', () => {
    expect(insertValues('tickets', ['id', 'officeCode', 'manual', 'calledAt'], [[1, 'JKT', true, null], [2, "O'Neil", false, undefined]])).toBe(
      `INSERT INTO tickets ("id", "officeCode", "manual", "calledAt") VALUES (1, 'JKT', 1, NULL), (2, 'O''Neil', 0, NULL)`,
    );
  });

  it('refuses a row whose length is not the number of columns, no rows at all, and what inlineParams refuses', () => {
    expect(() => insertValues('t', ['a', 'b'], [[1]])).toThrow('a row of 1 values for 2 columns of t');
    expect(() => insertValues('t', ['a'], [])).toThrow('no rows');
    expect(() => insertValues('t', ['a'], [['a\0b']])).toThrow('NUL');
  });
});

describe('expectChanges', () => {
  it('is a statement comparing changes() with the count', () => {
    expect(expectChanges(3)).toContain('changes() = 3');
    expect(() => expectChanges(-1)).toThrow();
    expect(() => expectChanges(1.5)).toThrow();
  });
});
