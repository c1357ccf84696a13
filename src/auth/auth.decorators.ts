import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser } from './auth-user';
import type { Role } from './user.entity';

export const ROLES_KEY = 'roles';

/** The route needs a Bearer token with one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const AdminOnly = () => Roles('ADMIN');
export const StaffOrAdmin = () => Roles('STAFF', 'ADMIN');

/** The authenticated caller, or undefined on a public route called without a token. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});
