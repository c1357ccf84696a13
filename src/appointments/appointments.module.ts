import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { ServiceModesModule } from '../service-modes/service-modes.module';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { BookingBatcher } from './booking-batcher';

@Module({
  imports: [ServiceModesModule, QueueModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService, BookingBatcher],
})
export class AppointmentsModule {}
