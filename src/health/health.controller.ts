import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '../common/domain-error';
import { ServiceModesService } from '../service-modes/service-modes.service';

/** How long each check may take before it counts as down. */
const HEALTH_TIMEOUT_MS = 2000;

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
      return await this.health.check([() => this.database.pingCheck('database', { timeout: HEALTH_TIMEOUT_MS }), () => this.serviceMode()]);
    } catch (error) {
      // Terminus answers 503 with its own body; the contract wants the one error shape.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const down = Object.keys((error.getResponse() as Partial<HealthCheckResult>).error ?? {});
      throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${down.length ? down.join(', ') : 'a dependency'} unavailable.`);
    }
  }

  /**
   * A plain error would make terminus answer 500; an unreadable mode is "down", hence 503. Bounded
   * like the ping: a PostgreSQL server that stopped answering (not refusing) held every health check
   * until it came back, 40 s in review, where a load balancer wants a 503 now.
   */
  private async serviceMode(): Promise<HealthIndicatorResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const global = await Promise.race([
        this.modes.globalMode(),
        new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('timed out')), HEALTH_TIMEOUT_MS))),
      ]);
      return { serviceMode: { status: 'up', mode: global.mode, expressPolicy: global.expressPolicy, bookingPolicy: global.bookingPolicy } };
    } catch {
      return { serviceMode: { status: 'down' } };
    } finally {
      clearTimeout(timer);
    }
  }
}
