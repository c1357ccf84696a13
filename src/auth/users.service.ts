import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { CommittedReads } from '../database/committed-reads';
import { uniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { Office } from '../offices/office.entity';
import type { AuthUser } from './auth-user';
import { hashPassword } from './passwords';
import { Role, User } from './user.entity';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  officeCode?: string | null;
}

export function publicUser(user: User) {
  return { id: user.id, username: user.username, role: user.role, officeCode: user.officeCode, createdAt: user.createdAt };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(input: NewUser, actor: string): Promise<User> {
    if (input.role === 'STAFF' && !input.officeCode) {
      throw new DomainError('VALIDATION_FAILED', 'Staff need an office.', { details: [{ field: 'officeCode', problems: ['officeCode is required for STAFF'] }] });
    }
    if (input.role === 'ADMIN' && input.officeCode) {
      throw new DomainError('VALIDATION_FAILED', 'Admins work across offices and take no office.', { details: [{ field: 'officeCode', problems: ['officeCode must be left out for ADMIN'] }] });
    }
    const officeCode = input.role === 'STAFF' ? input.officeCode! : null;
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.write(async (manager) => {
        if (officeCode && !(await manager.existsBy(Office, { code: officeCode }))) {
          throw new DomainError('OFFICE_NOT_FOUND', `There is no office ${officeCode}.`);
        }
        if (await this.findByUsername(input.username, manager)) {
          throw new DomainError('USERNAME_TAKEN', `The username ${input.username} is already taken.`);
        }
        const now = this.clock.now();
        const user = await manager.save(manager.create(User, { username: input.username, passwordHash, role: input.role, officeCode, createdAt: now.toISOString() }));
        await this.audit.record(manager, now, { actor, action: 'user.create', target: `user:${user.username}`, details: { role: user.role, officeCode } });
        return user;
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new DomainError('USERNAME_TAKEN', `The username ${input.username} is already taken.`);
      throw error;
    }
  }

  /** Usernames ignore case ("Siti" signs in as "siti"); found through the index on lower(username). */
  findByUsername(username: string, manager = this.reads.manager): Promise<User | null> {
    return manager.getRepository(User).createQueryBuilder('account').where('lower(account.username) = lower(:username)', { username }).getOne();
  }

  list(): Promise<User[]> {
    return this.reads.manager.find(User, { order: { id: 'ASC' } });
  }

  hasAdmin(): Promise<boolean> {
    return this.reads.manager.existsBy(User, { role: 'ADMIN' });
  }
}

export type { AuthUser };
