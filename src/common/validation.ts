import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldProblem } from './domain-error';

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

/** Rejects unknown fields and wrong types with `400 VALIDATION_FAILED` and per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', 'Some fields are missing or invalid.', { details: flatten(errors) }),
  });
}
