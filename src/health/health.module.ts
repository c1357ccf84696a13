import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceModesModule } from '../service-modes/service-modes.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ServiceModesModule],
  controllers: [HealthController],
})
export class HealthModule {}
