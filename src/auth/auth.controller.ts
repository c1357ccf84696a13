import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentUser } from './auth.decorators';
import type { AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { CreateUserDto } from './dto/create-user.dto';
import { LoginDto } from './dto/login.dto';
import { publicUser, UsersService } from './users.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Ip() clientIp: string) {
    return this.auth.login(body.username, body.password, clientIp);
  }

  @Post('users')
  @AdminOnly()
  @ApiBearerAuth()
  async createUser(@Body() body: CreateUserDto, @CurrentUser() admin: AuthUser) {
    return publicUser(await this.users.create(body, admin.username));
  }

  @Get('users')
  @AdminOnly()
  @ApiBearerAuth()
  async listUsers() {
    return (await this.users.list()).map(publicUser);
  }
}
