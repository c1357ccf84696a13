import { IsBoolean, IsDefined, IsIn, IsOptional } from 'class-validator';
import { SERVICE_TYPES, ServiceType } from '../../appointments/appointment.entity';
import { ApplicantDto } from '../../appointments/dto/applicant.dto';
import { NestedObject } from '../../common/validation';

export class CheckInDto {
  /** Staff only: elderly, disabled, pregnant, or with an infant. */
  @IsOptional() @IsBoolean()
  priority?: boolean;
}

export class WalkInDto {
  @IsIn(SERVICE_TYPES)
  serviceType: ServiceType;

  @IsOptional() @IsBoolean()
  priority?: boolean;

  @IsOptional() @IsBoolean()
  express?: boolean;

  @IsDefined() @NestedObject(() => ApplicantDto)
  applicant: ApplicantDto;
}
