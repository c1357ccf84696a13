import { Module } from '@nestjs/common';
import { ExpressReleaseService } from './express-release.service';
import { ExpressRequestsService } from './express-requests.service';
import { ServiceModesController } from './service-modes.controller';
import { ServiceModesService } from './service-modes.service';

@Module({
  controllers: [ServiceModesController],
  providers: [ServiceModesService, ExpressRequestsService, ExpressReleaseService],
  exports: [ServiceModesService, ExpressRequestsService, ExpressReleaseService],
})
export class ServiceModesModule {}
