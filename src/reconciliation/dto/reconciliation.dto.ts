import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '../../common/validation';

export class ReconciliationQuery {
  @IsOptional() @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  officeCode?: string;

  @IsOptional() @IsIn(['PENDING', 'RESOLVED'])
  status?: 'PENDING' | 'RESOLVED';
}

export class ResolveDto {
  /** What was done, e.g. the core-system reference it was re-entered under. */
  @IsOptional() @IsString() @TextLength({ max: 500 })
  note?: string;
}
