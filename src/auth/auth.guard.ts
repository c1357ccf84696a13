import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '../common/domain-error';
import type { AuthUser } from './auth-user';
import { ROLES_KEY } from './auth.decorators';
import type { Role } from './user.entity';

interface TokenClaims {
  sub: number;
  username: string;
  role: Role;
  officeCode: string | null;
}

/**
 * Global guard. A Bearer token, when sent, must be valid on every route (a bad token is never
 * silently ignored). Routes marked with @Roles additionally require one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthUser }>();
    const header = request.headers.authorization;
    if (header !== undefined) request.user = await this.verify(header);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    if (!request.user) throw new DomainError('UNAUTHENTICATED', 'Sign in first: send a valid Bearer token.');
    if (!roles.includes(request.user.role)) throw new DomainError('FORBIDDEN', 'Your role is not allowed to do this.');
    return true;
  }

  private async verify(header: string): Promise<AuthUser> {
    // The scheme is case-insensitive (RFC 9110); the token is not.
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(header);
    if (!match) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(match[1]);
      return { id: claims.sub, username: claims.username, role: claims.role, officeCode: claims.officeCode };
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'The token is invalid or has expired. Sign in again.');
    }
  }
}
