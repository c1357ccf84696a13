import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString } from 'class-validator';
import { DomainError } from './domain-error';
import { idAtMost, numberTextProblem, PlainNumbersPipe } from './params';

describe('numberTextProblem', () => {
  it.each(['1', '7', '999', '2147483647', '99999999999999999999'])('takes %p as a path id (how large is the route’s business)', (text) => {
    expect(numberTextProblem(text, 'param')).toBeNull();
  });

  it.each(['0', '01', '1.0', '1.5', '0x1', '1e0', '0b1', '0o1', '+1', '-1', ' 1', '1 ', '1_0', '١', '', 'Infinity', 'NaN'])('refuses %p as a path id', (text) => {
    expect(numberTextProblem(text, 'param')).toEqual(expect.any(String));
  });

  it.each(['0', '5', '1000'])('takes %p as a query number', (text) => {
    expect(numberTextProblem(text, 'query')).toBeNull();
  });

  it.each(['00', '010', '1e3', '0x10', '+5', ' 5', '5.0', '-0', '-1'])('refuses %p as a query number', (text) => {
    expect(numberTextProblem(text, 'query')).toEqual(expect.any(String));
  });
});

class SomeQuery {
  @IsOptional() @Type(() => Number) @IsInt()
  limit?: number;

  @IsOptional() @IsString()
  name?: string;
}

describe('PlainNumbersPipe', () => {
  const pipe = new PlainNumbersPipe();
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof DomainError ? { code: error.code, fields: error.extras.details?.map((d) => d.field) } : error;
    }
    return null;
  };

  it('refuses a path parameter declared number unless it is plain digits, naming it', () => {
    expect(refusal(() => pipe.transform('1.0', { type: 'param', metatype: Number, data: 'n' }))).toEqual({ code: 'VALIDATION_FAILED', fields: ['n'] });
    expect(pipe.transform('12', { type: 'param', metatype: Number, data: 'n' })).toBe('12');
  });

  it('refuses an empty path number (only an empty query value is an absent one)', () => {
    expect(refusal(() => pipe.transform('', { type: 'param', metatype: Number, data: 'n' }))).toEqual({ code: 'VALIDATION_FAILED', fields: ['n'] });
  });

  it('leaves path parameters declared string alone', () => {
    expect(pipe.transform('0x1', { type: 'param', metatype: String, data: 'code' })).toBe('0x1');
  });

  it('checks the query DTO fields declared number, and only those', () => {
    expect(refusal(() => pipe.transform({ limit: '1e3', name: '1e3' }, { type: 'query', metatype: SomeQuery }))).toEqual({ code: 'VALIDATION_FAILED', fields: ['limit'] });
    expect(pipe.transform({ limit: '20', name: '0x1' }, { type: 'query', metatype: SomeQuery })).toEqual({ limit: '20', name: '0x1' });
  });

  it('leaves empty values (absent) and repeated values (the DTO refuses arrays) to the validation pipe', () => {
    expect(pipe.transform({ limit: '' }, { type: 'query', metatype: SomeQuery })).toEqual({ limit: '' });
    expect(pipe.transform({ limit: ['1', '2'] }, { type: 'query', metatype: SomeQuery })).toEqual({ limit: ['1', '2'] });
  });

  it('does not look at bodies', () => {
    expect(pipe.transform({ limit: '1e3' }, { type: 'body', metatype: SomeQuery })).toEqual({ limit: '1e3' });
  });
});

describe('idAtMost', () => {
  const notFound = () => new DomainError('COUNTER_NOT_FOUND', 'There is no such counter.');
  it('passes ids up to the limit and answers larger ones as not found', () => {
    expect(idAtMost(999, notFound).transform(999, { type: 'param' })).toBe(999);
    expect(() => idAtMost(999, notFound).transform(1000, { type: 'param' })).toThrow(DomainError);
    expect(() => idAtMost(999, notFound).transform(1e20, { type: 'param' })).toThrow(DomainError);
  });
});
