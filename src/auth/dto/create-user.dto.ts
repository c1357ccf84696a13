import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import type { Role } from '../user.entity';

export class CreateUserDto {
  @IsString() @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, dots, dashes or underscores' })
  username: string;

  @IsString() @MinLength(12) @MaxLength(256)
  password: string;

  @IsIn(['ADMIN', 'STAFF'])
  role: Role;

  /** Required for STAFF; admins work across offices. */
  @ValidateIf((o: CreateUserDto) => o.role === 'STAFF' || o.officeCode !== undefined)
  @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  @IsOptional()
  officeCode?: string;
}
