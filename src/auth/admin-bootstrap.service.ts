import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { uniqueViolation } from '../database/database-errors';
import { UsersService } from './users.service';

/**
 * The first admin: from ADMIN_USERNAME / ADMIN_PASSWORD when no admin exists yet; with no
 * password given, a strong one is generated and printed once.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');
  /** Set when this start created the admin with a generated password (the demo prints it). */
  generatedAdminPassword?: string;

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.hasAdmin()) return;
    const { adminUsername, adminPassword } = this.config.auth;
    const password = adminPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create({ username: adminUsername, password, role: 'ADMIN' }, 'system');
    } catch (error) {
      // Another instance created it at the same moment: one admin, as intended.
      if (uniqueViolation(error) || (error as { code?: string }).code === 'USERNAME_TAKEN') return;
      throw error;
    }
    if (!adminPassword) {
      this.generatedAdminPassword = password;
      this.logger.warn(`Created admin "${adminUsername}" with generated password: ${password}  (shown once; set ADMIN_PASSWORD to choose it)`);
    } else {
      this.logger.log(`Created admin "${adminUsername}" from ADMIN_USERNAME/ADMIN_PASSWORD.`);
    }
  }
}
