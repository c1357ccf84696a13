import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '../common/domain-error';
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
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.serviceMode()]);
    } catch (error) {
      // Terminus answers 503 with its own body; the contract wants the one error shape.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const down = Object.keys((error.getResponse() as Partial<HealthCheckResult>).error ?? {});
      throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${down.length ? down.join(', ') : 'a dependency'} unavailable.`);
    }
  }

  /** A plain error would make terminus answer 500; an unreadable mode is "down", hence 503. */
  private async serviceMode(): Promise<HealthIndicatorResult> {
    try {
      const global = await this.modes.globalMode();
      return { serviceMode: { status: 'up', mode: global.mode, expressPolicy: global.expressPolicy, bookingPolicy: global.bookingPolicy } };
    } catch {
      return { serviceMode: { status: 'down' } };
    }
  }
}
