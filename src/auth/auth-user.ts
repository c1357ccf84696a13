import type { Role } from './user.entity';

/** Who is calling, as proven by a Bearer token. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  officeCode: string | null;
}

/** Staff act only in their own office; admins anywhere. */
export function canActInOffice(user: AuthUser, officeCode: string): boolean {
  return user.role === 'ADMIN' || (user.role === 'STAFF' && user.officeCode === officeCode);
}
