import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators';
import { AuditService } from './audit.service';
import { AuditQuery } from './dto/audit-query.dto';

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
