import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TextLength } from '../../common/validation';

export class AuditQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @IsOptional() @IsString() @TextLength({ max: 64 })
  action?: string;

  @IsOptional() @IsString() @TextLength({ max: 120 })
  target?: string;
}
