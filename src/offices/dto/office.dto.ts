import { IsInt, IsOptional, IsString, Matches, Max, Min, Validate, ValidateIf, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isCalendarDate, isValidTimeZone } from '../../common/local-time';
import { ListOf, NOT_BLANK, TextLength } from '../../common/validation';
import { TIME_PATTERN } from '../slot.rules';

export const OFFICE_CODE_PATTERN = /^[A-Z0-9-]{2,20}$/;

@ValidatorConstraint({ name: 'timeZone' })
class IsIanaTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return typeof value === 'string' && isValidTimeZone(value);
  }
  defaultMessage() {
    return 'timeZone must be an IANA time zone such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura';
  }
}

@ValidatorConstraint({ name: 'calendarDate' })
export class IsCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return typeof value === 'string' && isCalendarDate(value);
  }
  defaultMessage() {
    return '$property must be a calendar date written YYYY-MM-DD, from 2000 to 2099';
  }
}

export class CreateOfficeDto {
  @IsString() @Matches(OFFICE_CODE_PATTERN, { message: 'code must match ^[A-Z0-9-]{2,20}$' })
  code: string;

  @IsString() @TextLength({ min: 2, max: 120 }) @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @IsString() @Validate(IsIanaTimeZone)
  timeZone: string;

  @IsInt() @Min(0) @Max(100000)
  dailyExpressQuota: number;
}

export class CreateCounterDto {
  @IsInt() @Min(1) @Max(999)
  number: number;
}

export class SlotInput {
  @IsString() @Validate(IsCalendarDate)
  date: string;

  @IsString() @Matches(TIME_PATTERN, { message: 'start must be HH:mm (00:00-23:59)' })
  start: string;

  @IsString() @Matches(TIME_PATTERN, { message: 'end must be HH:mm (00:00-23:59)' })
  end: string;

  @IsInt() @Min(1) @Max(10000)
  capacity: number;
}

/** Either one slot (`{date,start,end,capacity}`) or many (`{slots: [...]}`). */
export class CreateSlotsDto {
  // Not @IsOptional(): that would let `"slots": null` through as if absent, with no single slot either.
  @ValidateIf((o: CreateSlotsDto) => o.slots !== undefined) @ListOf(() => SlotInput, { min: 1, max: 1000 })
  slots?: SlotInput[];

  @ValidateIf((o: CreateSlotsDto) => o.slots === undefined) @IsString() @Validate(IsCalendarDate)
  date?: string;

  @ValidateIf((o: CreateSlotsDto) => o.slots === undefined) @IsString() @Matches(TIME_PATTERN, { message: 'start must be HH:mm (00:00-23:59)' })
  start?: string;

  @ValidateIf((o: CreateSlotsDto) => o.slots === undefined) @IsString() @Matches(TIME_PATTERN, { message: 'end must be HH:mm (00:00-23:59)' })
  end?: string;

  @ValidateIf((o: CreateSlotsDto) => o.slots === undefined) @IsInt() @Min(1) @Max(10000)
  capacity?: number;
}

export class SlotsQuery {
  @IsOptional() @IsString() @Validate(IsCalendarDate)
  date?: string;
}
