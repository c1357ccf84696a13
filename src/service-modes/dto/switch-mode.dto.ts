import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { BOOKING_POLICIES, BookingPolicy, EXPRESS_POLICIES, ExpressPolicy, MODE_NAMES, ModeName } from '../service-mode.policy';

export class SwitchModeDto {
  @IsIn(MODE_NAMES)
  mode: ModeName;

  /** Why: kept in the history and the audit log. */
  @IsString() @MinLength(3) @MaxLength(500)
  reason: string;

  @IsOptional() @IsIn(EXPRESS_POLICIES)
  expressPolicy?: ExpressPolicy;

  @IsOptional() @IsIn(BOOKING_POLICIES)
  bookingPolicy?: BookingPolicy;

  /** Public text for citizens. */
  @IsOptional() @IsString() @MaxLength(500)
  message?: string;

  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'expectedRecoveryAt must include a time zone (Z or +07:00)' })
  expectedRecoveryAt?: string;
}

export class HistoryQuery {
  @IsOptional() @IsString() @Matches(/^(global|[A-Z0-9-]{2,20})$/, { message: 'scope must be "global" or an office code' })
  scope?: string;
}

export class ExpressRequestsQuery {
  @IsOptional() @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  officeCode?: string;

  @IsOptional() @IsIn(['ACTIVE', 'DEFERRED', 'CANCELLED'])
  status?: 'ACTIVE' | 'DEFERRED' | 'CANCELLED';
}
