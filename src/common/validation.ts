import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { DomainError, FieldProblem } from './domain-error';

/** Something other than spaces: a blank name or reason is a mistake, not a value. */
export const NOT_BLANK = /\S/;

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
 * the full pipe as always.
 */
class ValidationPipeWithEmptyBodies extends ValidationPipe {
  private readonly emptyBodyPasses = new WeakMap<object, boolean>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    // `?officeCode=&status=PENDING` (the contract writes it so) means no office filter, not an invalid one.
    if (metadata.type === 'query' && typeof value === 'object' && value !== null) value = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== ''));
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
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', 'Some fields are missing or invalid.', { details: flatten(errors) }),
  });
}
