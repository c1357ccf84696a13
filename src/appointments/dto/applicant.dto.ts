import { IsEmail, IsOptional, IsString, Validate, ValidatorConstraint, ValidatorConstraintInterface, ValidationArguments } from 'class-validator';
import { TextLength } from '../../common/validation';
import { fullNameProblem, nikProblem, phoneProblem } from '../applicant.rules';

/** Adapts a pure `xProblem(value) → message | null` rule to class-validator. */
function ruleConstraint(name: string, rule: (value: unknown) => string | null) {
  @ValidatorConstraint({ name })
  class RuleConstraint implements ValidatorConstraintInterface {
    validate(value: unknown) {
      return rule(value) === null;
    }
    defaultMessage(args: ValidationArguments) {
      return rule(args.value) ?? `${name} is invalid`;
    }
  }
  return RuleConstraint;
}

export const ValidNik = ruleConstraint('nik', nikProblem);
export const ValidPhone = ruleConstraint('phone', phoneProblem);
export const ValidFullName = ruleConstraint('fullName', fullNameProblem);

export class ApplicantDto {
  /** 16 digits; digits 7-12 are the birth date DDMMYY (women +40). */
  @Validate(ValidNik)
  nik: string;

  @Validate(ValidFullName)
  fullName: string;

  /** +628… or 08…, then 7-11 digits. */
  @Validate(ValidPhone)
  phone: string;

  @IsOptional() @IsString() @TextLength({ max: 254 }) @IsEmail()
  email?: string;
}
