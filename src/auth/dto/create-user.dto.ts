import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { TextLength } from '../../common/validation';
import type { Role } from '../user.entity';

export class CreateUserDto {
  @IsString() @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, dots, dashes or underscores' })
  username: string;

  @IsString() @TextLength({ min: 12, max: 256 })
  password: string;

  @IsIn(['ADMIN', 'STAFF'])
  role: Role;

  /** Required for STAFF; admins work across offices. */
  @ValidateIf((o: CreateUserDto) => o.role === 'STAFF' || o.officeCode !== undefined)
  @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  @IsOptional()
  officeCode?: string;
}
