import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OfficesModule } from '../offices/offices.module';
import { QueueModule } from '../queue/queue.module';
import { DemoSeederService } from './demo-seeder.service';

@Module({
  imports: [AuthModule, OfficesModule, QueueModule],
  providers: [DemoSeederService],
})
export class DemoModule {}
