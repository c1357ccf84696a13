import { jsonBodyProblem, MAX_JSON_DEPTH } from './json-body';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('jsonBodyProblem', () => {
  it.each([
    ['a normal booking', { officeCode: 'JKT', slotId: 1, applicant: { nik: '3174010101850001', fullName: 'Siti' } }],
    ['a slot list', { slots: [{ date: '2030-01-01', start: '09:00', end: '09:30', capacity: 5 }] }],
    ['primitives', 'x'],
    ['null', null],
    ['nesting at the limit', nested(MAX_JSON_DEPTH)],
    ['text with other control characters', { reason: 'line\nbreak\ttab' }],
    ['a surrogate pair (one character outside the BMP)', { name: 'Kantor \u{1F6C2}', 'key \u{1F600}': 1 }],
    ['a variation selector', { name: 'a\ufe0f' }],
    ['field names that only resemble inherited ones', { length: 1, name: 'x', Constructor: 1, proto: 1 }],
  ])('accepts %s', (_, body) => {
    expect(jsonBodyProblem(body)).toBeNull();
  });

  it.each([
    ['nesting one level too deep', nested(MAX_JSON_DEPTH + 1), 'a'],
    ['nesting 100001 levels deep', nested(100_001), 'a'],
    ['a NUL in a value', { name: 'Kantor\u0000' }, 'name'],
    ['a NUL in a nested value', { applicant: { fullName: 'Si\u0000ti' } }, 'applicant.fullName'],
    ['a NUL in an array item', { slots: [{ date: '\u0000' }] }, 'slots.0.date'],
    ['a NUL in a key', { 'na\u0000me': 'x' }, 'body'],
    ['a NUL string as the whole body', '\u0000', 'body'],
    ['a lone high surrogate in a nested value', { applicant: { email: 'a\ud800@x.com' } }, 'applicant.email'],
    ['a lone low surrogate in an array item', { slots: [{ date: '\udc00' }] }, 'slots.0.date'],
    ['a pair written backwards', { password: 'abcdefghijk\udc00\ud800' }, 'password'],
    ['a lone surrogate in a key', { applicant: { ['na\udbffme']: 'x' } }, 'applicant'],
    ['constructor', { serviceType: 'NEW', constructor: 1 }, 'constructor'],
    ['constructor in a nested object', { applicant: { constructor: 'x' } }, 'applicant.constructor'],
    ['toString in an array item', { slots: [{ toString: 1 }] }, 'slots.0.toString'],
    ['prototype', { prototype: {} }, 'prototype'],
    ['__proto__ as JSON.parse makes it (an own key)', JSON.parse('{"note":"x","__proto__":{"polluted":1}}'), '__proto__'],
  ])('refuses %s', (_, body, field) => {
    expect(jsonBodyProblem(body)?.field).toBe(field);
  });
});
