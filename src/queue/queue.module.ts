import { Module } from '@nestjs/common';
import { ServiceModesModule } from '../service-modes/service-modes.module';
import { BoardEventsService } from './board-events.service';
import { BoardFeedService } from './board-feed.service';
import { BoardService } from './board.service';
import { CheckInBatcher } from './check-in-batcher';
import { CountersController } from './counters.controller';
import { CountersService } from './counters.service';
import { DayCloseService } from './day-close.service';
import { QueueController } from './queue.controller';
import { TicketsService } from './tickets.service';
import { WaitEstimatesService } from './wait-estimates.service';

@Module({
  imports: [ServiceModesModule],
  controllers: [QueueController, CountersController],
  providers: [TicketsService, CheckInBatcher, CountersService, BoardService, BoardEventsService, BoardFeedService, WaitEstimatesService, DayCloseService],
  exports: [TicketsService, CountersService],
})
export class QueueModule {}
