import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { validateIdempotencyKey } from '../common/idempotency.service';
import { appointmentCaller } from './appointment-access';
import { AppointmentsService } from './appointments.service';
import { LookupLimitInterceptor } from './lookup-limit.interceptor';
import { CreateAppointmentDto, RescheduleDto } from './dto/appointment.dto';

const NIK_HEADER = { name: 'X-Applicant-NIK', required: false, description: 'The applicant’s 16-digit NIK; staff send a Bearer token instead' };

@ApiTags('appointments')
@Controller('appointments')
@UseInterceptors(LookupLimitInterceptor)
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first response for 24 h' })
  async book(@Body() body: CreateAppointmentDto, @Res({ passthrough: true }) reply: FastifyReply, @Headers('idempotency-key') key?: string) {
    const response = await this.appointments.book(body, validateIdempotencyKey(key));
    void reply.status(response.statusCode);
    return response.body;
  }

  @Get(':code')
  @ApiHeader(NIK_HEADER)
  find(@Param('code') code: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    return this.appointments.find(code, appointmentCaller(user, nik));
  }

  @Patch(':code')
  @ApiHeader(NIK_HEADER)
  reschedule(@Param('code') code: string, @Body() body: RescheduleDto, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    return this.appointments.reschedule(code, body.slotId, appointmentCaller(user, nik));
  }

  @Delete(':code')
  @ApiHeader(NIK_HEADER)
  cancel(@Param('code') code: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    return this.appointments.cancel(code, appointmentCaller(user, nik));
  }

  @Post(':code/express')
  @ApiHeader(NIK_HEADER)
  async requestExpress(@Param('code') code: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    const response = await this.appointments.requestExpress(code, appointmentCaller(user, nik));
    void reply.status(response.statusCode);
    return response.body;
  }
}
