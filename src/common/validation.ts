import { applyDecorators, ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsObject, ValidateBy, ValidateNested } from 'class-validator';
import { DomainError, FieldProblem } from './domain-error';
import { isInheritedName } from './json-body';

/** Something other than spaces: a blank name or reason is a mistake, not a value. */
export const NOT_BLANK = /\S/;

/** Enough to fix a request by: a body of 9,000 unknown fields was answered with 673 KB listing each. */
export const MAX_LISTED_PROBLEMS = 20;

/** `400 VALIDATION_FAILED` listing the first problems; the message says how many more there were. */
export function validationFailed(problems: FieldProblem[]): DomainError {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const unlisted = problems.length - listed.length;
  const message = unlisted > 0 ? `Some fields are missing or invalid: ${listed.length} are listed, ${unlisted} more are not.` : 'Some fields are missing or invalid.';
  return new DomainError('VALIDATION_FAILED', message, { details: listed });
}

/** Characters as PostgreSQL's varchar(n) counts them: code points. */
export function characterCount(text: string): number {
  // Most text has no surrogate pair: no need to walk it code point by code point.
  return /[\uD800-\uDFFF]/.test(text) ? [...text].length : text.length;
}

/**
 * A text length limit counted as the database counts it (see characterCount). class-validator's
 * MinLength and MaxLength count a character followed by a variation selector (U+FE0F) as one, so
 * text twice as long as its column passed: PostgreSQL then refused it (500) and SQLite stored it.
 * Also documents the limit in the OpenAPI document, as the Swagger plugin does for MaxLength.
 */
export function TextLength({ min = 0, max }: { min?: number; max: number }): PropertyDecorator {
  const expected = min > 0 ? `${min}-${max} characters long` : `no longer than ${max} characters`;
  return applyDecorators(
    ValidateBy({
      name: 'textLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const count = characterCount(value);
          return count >= min && count <= max;
        },
        defaultMessage: () => `$property must be ${expected}`,
      },
    }),
    ApiProperty({ minLength: min > 0 ? min : undefined, maxLength: max }),
  );
}

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type DtoClass = new () => object;
type ShapeCheck = (value: unknown, field: string) => FieldProblem[];

/**
 * Checks that NestedObject and ListOf put on a DTO's fields, run on the plain body before the pipe
 * hands it to class-transformer, which copies a list item by item (20,000 items: 0.3-0.5 s) before
 * class-validator validates each of them.
 */
const shapeChecks = new WeakMap<object, Map<string, ShapeCheck>>();

function CheckedFirst(check: ShapeCheck): PropertyDecorator {
  return (target, property) => {
    const checks = shapeChecks.get(target.constructor) ?? new Map<string, ShapeCheck>();
    checks.set(String(property), check);
    shapeChecks.set(target.constructor, checks);
  };
}

function shapeProblems(metatype: object, value: unknown, prefix = ''): FieldProblem[] {
  const checks = shapeChecks.get(metatype);
  if (!checks || !isJsonObject(value)) return [];
  return [...checks].flatMap(([key, check]) => (Object.hasOwn(value, key) ? check(value[key], prefix ? `${prefix}.${key}` : key) : []));
}

/**
 * One object of a DTO class. A list in its place is refused before class-validator would validate
 * each of its items as that object (20,000 of them took 1.4 s and a 5.5 MB answer).
 */
export function NestedObject(type: () => DtoClass): PropertyDecorator {
  return applyDecorators(
    IsObject(),
    ValidateNested(),
    Type(type),
    CheckedFirst((value, field) => (Array.isArray(value) ? [{ field, problems: [`${field} must be an object`] }] : shapeProblems(type(), value, field))),
  );
}

/**
 * A list of objects of one DTO class. A list that is too long, or holds anything but objects, is
 * refused by the validation pipe before any item is looked at (see shapeChecks): class-validator
 * validates every item even after ArrayMaxSize failed (20,000 items took 2 s and a 9.9 MB answer),
 * and passes a list inside the list unchecked (the service then failed on it: 500).
 */
export function ListOf(type: () => DtoClass, { min, max }: { min: number; max: number }): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMinSize(min),
    ValidateNested({ each: true }),
    Type(type),
    CheckedFirst((value, field) => listShapeProblems(value, field, max, type())),
    ApiProperty({ minItems: min, maxItems: max }),
  );
}

function listShapeProblems(list: unknown, field: string, max: number, itemType: DtoClass): FieldProblem[] {
  if (!Array.isArray(list)) return [];
  if (list.length > max) return [{ field, problems: [`${field} must not contain more than ${max} items`] }];
  return list.flatMap((item, index) => {
    const itemField = `${field}.${index}`;
    return isJsonObject(item) ? shapeProblems(itemType, item, itemField) : [{ field: itemField, problems: [`${itemField} must be an object`] }];
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      problems.push({ field, problems: Object.values(error.constraints) });
    }
    if (error.children?.length) problems.push(...flatten(error.children, field));
  }
  return problems;
}

/**
 * An empty body validates the same way every time for a given DTO class, so its outcome is worked
 * out once per class. A kiosk's check-in sends `{}`, and class-validator took ≈ 6 % of a
 * check-in's main-thread time. Any other body, and an empty one the DTO refuses, goes through
 * the full pipe as always, after the shape checks of its NestedObject and ListOf fields.
 */
class ValidationPipeWithEmptyBodies extends ValidationPipe {
  private readonly emptyBodyPasses = new WeakMap<object, boolean>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    // `?officeCode=&status=PENDING` (the contract writes it so) means no office filter, not an invalid one.
    if (metadata.type === 'query' && typeof value === 'object' && value !== null) {
      const given = Object.entries(value).filter(([, v]) => v !== '');
      // `?constructor=x` was dropped unseen like such a body field (json-body.ts): an unknown parameter, as `?foo=x` is.
      const inherited = given.filter(([key]) => isInheritedName(key)).map(([key]) => ({ field: key, problems: [`property ${key} should not exist`] }));
      if (inherited.length) throw validationFailed(inherited);
      value = Object.fromEntries(given);
    }
    if (metadata.type === 'body' && metatype && isEmptyPlainObject(value) && this.toValidate(metadata)) {
      let passes = this.emptyBodyPasses.get(metatype);
      if (passes === undefined) {
        passes = await super.transform({}, metadata).then(
          () => true,
          () => false,
        );
        this.emptyBodyPasses.set(metatype, passes);
      }
      if (passes) return plainToInstance(metatype, {});
    }
    if (metadata.type === 'body' && metatype) {
      const problems = shapeProblems(metatype, value);
      if (problems.length) throw validationFailed(problems);
    }
    return super.transform(value, metadata);
  }
}

function isEmptyPlainObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0;
}

/** Rejects unknown fields and wrong types with `400 VALIDATION_FAILED` and per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipeWithEmptyBodies({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
