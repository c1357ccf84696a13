import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { NestedObject } from '../../common/validation';
import { SERVICE_TYPES, ServiceType } from '../appointment.entity';
import { ApplicantDto } from './applicant.dto';

export class CreateAppointmentDto {
  @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  officeCode: string;

  @IsInt() @Min(1) @Max(2_147_483_647)
  slotId: number;

  @IsIn(SERVICE_TYPES)
  serviceType: ServiceType;

  /** Ask for same-day (express) processing as well. */
  @IsOptional() @IsBoolean()
  express?: boolean;

  @IsDefined() @NestedObject(() => ApplicantDto)
  applicant: ApplicantDto;
}

export class RescheduleDto {
  @IsInt() @Min(1) @Max(2_147_483_647)
  slotId: number;
}
