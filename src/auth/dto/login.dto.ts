import { IsString } from 'class-validator';
import { TextLength } from '../../common/validation';

export class LoginDto {
  @IsString() @TextLength({ min: 1, max: 64 })
  username: string;

  @IsString() @TextLength({ min: 1, max: 256 })
  password: string;
}
