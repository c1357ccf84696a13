import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AdminOnly } from '../auth/auth.decorators';
import { AuditService } from './audit.service';

class AuditQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(64)
  action?: string;

  @IsOptional() @IsString() @MaxLength(120)
  target?: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @AdminOnly()
  async list(@Query() query: AuditQuery) {
    const rows = await this.audit.latest(query.limit ?? 100, { action: query.action, target: query.target });
    return rows.map(({ at, actor, action, target, details }) => ({ at, actor, action, target, details }));
  }
}
