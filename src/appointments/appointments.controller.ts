import { Body, Controller, Delete, Get, Headers, Ip, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { FailureLimiter } from '../common/failure-limiter.service';
import { validateIdempotencyKey } from '../common/idempotency.service';
import { appointmentCaller } from './appointment-access';
import { AppointmentsService } from './appointments.service';
import { limitFailedLookups } from './lookup-limit';
import { CreateAppointmentDto, RescheduleDto } from './dto/appointment.dto';

const NIK_HEADER = { name: 'X-Applicant-NIK', required: false, description: 'The applicant’s 16-digit NIK; staff send a Bearer token instead' };

@ApiTags('appointments')
@Controller('appointments')
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly limiter: FailureLimiter,
  ) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first response for 24 h' })
  async book(@Body() body: CreateAppointmentDto, @Res({ passthrough: true }) reply: FastifyReply, @Headers('idempotency-key') key?: string) {
    const response = await this.appointments.book(body, validateIdempotencyKey(key));
    void reply.status(response.statusCode);
    return response.body;
  }

  @Get(':code')
  @ApiHeader(NIK_HEADER)
  find(@Param('code') code: string, @Ip() ip: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    const caller = appointmentCaller(user, nik);
    return limitFailedLookups(this.limiter, caller, code, ip, () => this.appointments.find(code, caller));
  }

  @Patch(':code')
  @ApiHeader(NIK_HEADER)
  reschedule(@Param('code') code: string, @Body() body: RescheduleDto, @Ip() ip: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    const caller = appointmentCaller(user, nik);
    return limitFailedLookups(this.limiter, caller, code, ip, () => this.appointments.reschedule(code, body.slotId, caller));
  }

  @Delete(':code')
  @ApiHeader(NIK_HEADER)
  cancel(@Param('code') code: string, @Ip() ip: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    const caller = appointmentCaller(user, nik);
    return limitFailedLookups(this.limiter, caller, code, ip, () => this.appointments.cancel(code, caller));
  }

  @Post(':code/express')
  @ApiHeader(NIK_HEADER)
  async requestExpress(
    @Param('code') code: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Ip() ip: string,
    @CurrentUser() user?: AuthUser,
    @Headers('x-applicant-nik') nik?: string,
  ) {
    const caller = appointmentCaller(user, nik);
    const response = await limitFailedLookups(this.limiter, caller, code, ip, () => this.appointments.requestExpress(code, caller));
    void reply.status(response.statusCode);
    return response.body;
  }
}
