import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadConfig } from '../config/configuration';
import { AppointmentsModule } from './appointments/appointments.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { OfficesModule } from './offices/offices.module';
import { QueueModule } from './queue/queue.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { ServiceModesModule } from './service-modes/service-modes.module';

@Module({})
export class AppModule {
  /** The whole application for a given configuration (main.ts reads it from the environment; tests pass their own). */
  static register(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        { module: ConfigHolder, global: true, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] },
        CommonModule,
        DatabaseModule,
        AuditModule,
        AuthModule,
        OfficesModule,
        ServiceModesModule,
        QueueModule,
        AppointmentsModule,
        ReconciliationModule,
        HealthModule,
        DemoModule,
      ],
    };
  }
}

@Module({})
class ConfigHolder {}
