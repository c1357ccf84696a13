import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ServiceModesService } from '../service-modes/service-modes.service';

@ApiTags('public')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly modes: ServiceModesService,
  ) {}

  /** 200 when the database answers; 503 otherwise. Also says which global mode is in force. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const global = await this.modes.globalMode();
        return { serviceMode: { status: 'up', mode: global.mode, expressPolicy: global.expressPolicy, bookingPolicy: global.bookingPolicy } };
      },
    ]);
  }
}
