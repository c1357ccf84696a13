import { ArgumentMetadata } from '@nestjs/common';
import { CreateOfficeDto, CreateSlotsDto } from '../offices/dto/office.dto';
import { CheckInDto, WalkInDto } from '../queue/dto/queue.dto';
import { DomainError, FieldProblem } from './domain-error';
import { characterCount, createValidationPipe, MAX_LISTED_PROBLEMS, validationFailed } from './validation';

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

describe('createValidationPipe: empty bodies', () => {
  it('accepts `{}` for a DTO whose fields are all optional, with a fresh instance each time and class-validator run once', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    const first = await pipe.transform({}, body(CheckInDto));
    const second = await pipe.transform({}, body(CheckInDto));
    expect(first).toBeInstanceOf(CheckInDto);
    expect(second).toBeInstanceOf(CheckInDto);
    expect(second).not.toBe(first);
    expect({ ...(second as object) }).toEqual({});
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('refuses `{}` for a DTO with required fields every time, with the per-field details', async () => {
    const pipe = createValidationPipe();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = (await pipe.transform({}, body(WalkInDto)).catch((e: unknown) => e)) as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.extras.details?.map((d) => d.field).sort()).toEqual(['applicant', 'serviceType']);
    }
  });

  it('still validates a body that is not empty, after an empty one passed', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, body(CheckInDto));
    expect(await pipe.transform({ priority: true }, body(CheckInDto))).toEqual(Object.assign(new CheckInDto(), { priority: true }));
    await expect(pipe.transform({ priority: 'yes' }, body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform({ unknown: 1 }, body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('leaves an object that is not a plain `{}` to the full pipe', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    await pipe.transform({}, body(CheckInDto));
    expect(validate).toHaveBeenCalledTimes(1);
    await expect(pipe.transform(Object.create({ priority: 'inherited' }), body(CheckInDto))).resolves.toBeInstanceOf(CheckInDto);
    expect(validate).toHaveBeenCalledTimes(2);
    await expect(pipe.transform([], body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as DomainError);
const fieldsOf = (error: DomainError | null) => error?.extras.details?.map((d) => d.field);

describe('characterCount: code points, as PostgreSQL counts varchar(n)', () => {
  it.each([
    ['', 0],
    ['Kantor', 6],
    ['a\ufe0f', 2],
    ['\u{1F6C2}', 1],
    ['e\u0301', 2],
  ])('%j has %i', (text, count) => {
    expect(characterCount(text)).toBe(count);
  });
});

describe('TextLength', () => {
  const office = (name: string) => ({ code: 'KT', name, timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 });

  it.each([
    ['120 letters', 'a'.repeat(120)],
    ['60 letters with a variation selector each (120 code points)', 'a\ufe0f'.repeat(60)],
    ['2 code points', 'a\ufe0f'],
  ])('accepts %s within 2-120', async (_, name) => {
    await expect(createValidationPipe().transform(office(name), body(CreateOfficeDto))).resolves.toBeInstanceOf(CreateOfficeDto);
  });

  it.each([
    ['121 letters', 'a'.repeat(121)],
    ['61 letters with a variation selector each (122 code points, 61 to validator.js)', 'a\ufe0f'.repeat(61)],
    ['1 letter', 'a'],
  ])('refuses %s, naming the field', async (_, name) => {
    const error = await refusal(createValidationPipe().transform(office(name), body(CreateOfficeDto)));
    expect(fieldsOf(error)).toEqual(['name']);
    expect(error?.extras.details?.[0].problems).toEqual(['name must be 2-120 characters long']);
  });
});

describe('validationFailed', () => {
  const problems = (n: number): FieldProblem[] => Array.from({ length: n }, (_, i) => ({ field: `f${i}`, problems: ['bad'] }));

  it('lists every problem up to the cap, with the usual message', () => {
    const error = validationFailed(problems(MAX_LISTED_PROBLEMS));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.extras.details).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(error.message).toBe('Some fields are missing or invalid.');
  });

  it('lists the first problems past the cap and says how many more there were', () => {
    const error = validationFailed(problems(MAX_LISTED_PROBLEMS + 7));
    expect(fieldsOf(error)).toEqual(problems(MAX_LISTED_PROBLEMS).map((p) => p.field));
    expect(error.message).toContain(' 7 more');
  });
});

describe('createValidationPipe: shapes checked before anything is copied or validated', () => {
  const slot = { date: '2030-01-01', start: '09:00', end: '09:30', capacity: 1 };

  it.each([
    ['a list in the list', [[]], ['slots.0']],
    ['a slot wrapped in a list', [[slot]], ['slots.0']],
    ['null, a number and a string among slots', [slot, null, 1, 'x'], ['slots.1', 'slots.2', 'slots.3']],
  ])('refuses %s, naming each item', async (_, slots, fields) => {
    expect(fieldsOf(await refusal(createValidationPipe().transform({ slots }, body(CreateSlotsDto))))).toEqual(fields);
  });

  it('refuses a list over its limit without validating a single item', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    const error = await refusal(pipe.transform({ slots: Array.from({ length: 1001 }, () => ({})) }, body(CreateSlotsDto)));
    expect(error?.extras.details).toEqual([{ field: 'slots', problems: ['slots must not contain more than 1000 items'] }]);
    expect(validate).not.toHaveBeenCalled();
  });

  it('validates a list within its limit item by item as before', async () => {
    const error = await refusal(createValidationPipe().transform({ slots: [slot, { ...slot, capacity: 0 }] }, body(CreateSlotsDto)));
    expect(fieldsOf(error)).toEqual(['slots.1.capacity']);
  });

  it('refuses a list where one object belongs without validating its items', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    const error = await refusal(pipe.transform({ serviceType: 'NEW', applicant: [{}, {}] }, body(WalkInDto)));
    expect(fieldsOf(error)).toEqual(['applicant']);
    expect(validate).not.toHaveBeenCalled();
  });
});
