import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { DomainError } from '../common/domain-error';
import { FailureLimiter } from '../common/failure-limiter.service';
import { loginLimitKeys } from '../common/rate-limit.rules';
import { hashPassword, verifyPassword } from './passwords';
import { UsersService } from './users.service';

@Injectable()
export class AuthService implements OnModuleInit {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private decoyHash = '';

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly limiter: FailureLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.decoyHash = await hashPassword('decoy password that matches nothing');
  }

  /** Failed attempts are limited per client address and per username (429 with Retry-After; see loginLimitKeys). */
  async login(username: string, password: string, clientIp: string) {
    const keys = loginLimitKeys(username, clientIp, this.limiter.isTrusted(username, clientIp), this.limiter.limits.login);
    const user = await this.limiter.attempt('login', keys, () => this.verify(username, password), (error) => error instanceof DomainError && error.code === 'INVALID_CREDENTIALS');
    this.limiter.rememberSuccess(username, clientIp);
    const expiresIn = this.config.auth.tokenTtlSeconds;
    const accessToken = await this.jwt.signAsync({ sub: user.id, username: user.username, role: user.role, officeCode: user.officeCode }, { expiresIn });
    return { accessToken, expiresIn, role: user.role, officeCode: user.officeCode };
  }

  private async verify(username: string, password: string) {
    const user = await this.users.findByUsername(username);
    const valid = await verifyPassword(user?.passwordHash ?? this.decoyHash, password);
    if (!user || !valid) throw new DomainError('INVALID_CREDENTIALS', 'The username or password is wrong.');
    return user;
  }
}
