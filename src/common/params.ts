import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DomainError, FieldProblem } from './domain-error';

/** Digits only, without a leading zero: Number() also reads 1.0, 0x1, 1e0, 0b1, +1 and " 1" as 1. */
const PLAIN_WHOLE_NUMBER = /^(?:0|[1-9][0-9]*)$/;
const PLAIN_POSITIVE_NUMBER = /^[1-9][0-9]*$/;

/**
 * What is wrong with the text of a number from the address, or null. A path number is an id, so
 * positive; a query number is a count (its DTO says which range). How large it may be is the
 * route's business: a well-formed id no record can have is that route's 404.
 */
export function numberTextProblem(text: string, where: 'param' | 'query'): string | null {
  if (where === 'param') return PLAIN_POSITIVE_NUMBER.test(text) ? null : 'must be a positive whole number in plain digits, such as 3';
  return PLAIN_WHOLE_NUMBER.test(text) ? null : 'must be a whole number in plain digits, such as 20';
}

function isNumberField(dto: Function, field: string): boolean {
  return Reflect.getMetadata('design:type', dto.prototype as object, field) === Number;
}

/**
 * Runs before the ValidationPipe, which turns every path and query value declared `number` into one
 * with Number(): `counters/1.0/open` opened counter 1. Checks each such value as written: a path
 * parameter declared `number` and a query DTO's fields declared `number`. An empty query value is
 * an absent one (see validation.ts), and a repeated one is left to the DTO, which refuses arrays.
 */
export class PlainNumbersPipe implements PipeTransform {
  transform(value: unknown, { type, metatype, data }: ArgumentMetadata): unknown {
    if ((type !== 'param' && type !== 'query') || !metatype) return value;
    const problems: FieldProblem[] = [];
    const check = (field: string, raw: unknown) => {
      const absent = type === 'query' && raw === '';
      const problem = typeof raw === 'string' && !absent ? numberTextProblem(raw, type) : null;
      if (problem) problems.push({ field, problems: [problem] });
    };
    if (data !== undefined) {
      if (metatype === Number) check(data, value);
    } else if (typeof value === 'object' && value !== null) {
      for (const [field, raw] of Object.entries(value)) if (isNumberField(metatype, field)) check(field, raw);
    }
    if (problems.length) throw new DomainError('VALIDATION_FAILED', 'Numbers in the address must be written in plain digits, such as 3.', { details: problems });
    return value;
  }
}

/**
 * A path id above `max` names no record: the route's own 404, answered before it reaches an
 * `integer` column (PostgreSQL fails such a comparison with a 500). Runs after PlainNumbersPipe.
 */
export function idAtMost(max: number, notFound: () => DomainError): PipeTransform<number, number> {
  return {
    transform(id: number) {
      if (!(id <= max)) throw notFound();
      return id;
    },
  };
}
