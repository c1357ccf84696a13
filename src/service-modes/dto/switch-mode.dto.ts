import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { NOT_BLANK, TextLength } from '../../common/validation';
import { BOOKING_POLICIES, BookingPolicy, EXPRESS_POLICIES, ExpressPolicy, MODE_NAMES, ModeName } from '../service-mode.policy';

const RECOVERY_INSTANT = /^20\d{2}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class SwitchModeDto {
  @IsIn(MODE_NAMES)
  mode: ModeName;

  /** Why: kept in the history and the audit log. */
  @IsString() @TextLength({ min: 3, max: 500 }) @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason: string;

  @IsOptional() @IsIn(EXPRESS_POLICIES)
  expressPolicy?: ExpressPolicy;

  @IsOptional() @IsIn(BOOKING_POLICIES)
  bookingPolicy?: BookingPolicy;

  /** Public text for citizens. */
  @IsOptional() @IsString() @TextLength({ max: 500 }) @Matches(NOT_BLANK, { message: 'message must not be blank (leave it out instead)' })
  message?: string;

  // ISO 8601 has week, ordinal and basic forms that JavaScript's Date cannot read: only the one form
  // people write, in this century, with its zone.
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(RECOVERY_INSTANT, { message: 'expectedRecoveryAt must be a date and time with its zone, such as 2026-12-01T10:00:00+07:00 (years 2000-2099)' })
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
