import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { AdminBootstrapService } from '../auth/admin-bootstrap.service';
import { UsersService } from '../auth/users.service';
import { Clock } from '../common/clock';
import { addDays, localDateOf } from '../common/local-time';
import { Office } from '../offices/office.entity';
import { OfficesService } from '../offices/offices.service';
import { CountersService } from '../queue/counters.service';
import { DEMO_DAYS, DEMO_OFFICES, DEMO_SLOT_CAPACITY, DEMO_SLOT_TIMES, halfHourLater } from './demo-data';

interface DemoCredentials {
  admin: { username: string; password: string | null };
  staff: Array<{ officeCode: string; username: string; password: string }>;
}

/** Loads the demo into an empty database when SEED_DEMO=true, and prints how to sign in. */
@Injectable()
export class DemoSeederService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Office) private readonly offices: Repository<Office>,
    private readonly officesService: OfficesService,
    private readonly counters: CountersService,
    private readonly users: UsersService,
    private readonly adminBootstrap: AdminBootstrapService,
    private readonly clock: Clock,
  ) {}

  /** In DATA_DIR: beside the SQLite file, or ./data with PostgreSQL. */
  get credentialsFile(): string {
    return join(this.config.dataDir, 'demo-credentials.json');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    if ((await this.offices.count()) === 0) await this.seed();
    this.printCredentials();
  }

  private async seed(): Promise<void> {
    const credentials: DemoCredentials = {
      admin: { username: this.config.auth.adminUsername, password: this.config.auth.adminPassword ?? this.adminBootstrap.generatedAdminPassword ?? null },
      staff: [],
    };
    for (const demo of DEMO_OFFICES) {
      const { counters, ...office } = demo;
      await this.officesService.create(office, 'demo');
      for (let n = 1; n <= counters; n++) await this.counters.create(office.code, n, 'demo');
      const today = localDateOf(this.clock.now(), office.timeZone);
      const slots = [];
      for (let d = 0; d < DEMO_DAYS; d++) {
        const date = addDays(today, d);
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        for (const start of DEMO_SLOT_TIMES) slots.push({ date, start, end: halfHourLater(start), capacity: DEMO_SLOT_CAPACITY });
      }
      await this.officesService.createSlots(office.code, slots, 'demo');
      const username = `staff.${office.code.toLowerCase()}`;
      const password = randomBytes(12).toString('base64url');
      await this.users.create({ username, password, role: 'STAFF', officeCode: office.code }, 'demo');
      credentials.staff.push({ officeCode: office.code, username, password });
    }
    mkdirSync(dirname(this.credentialsFile), { recursive: true });
    writeFileSync(this.credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    this.logger.log(`Seeded ${DEMO_OFFICES.length} demo offices with counters, ${DEMO_DAYS} days of slots and one staff user each.`);
  }

  private printCredentials(): void {
    if (!existsSync(this.credentialsFile)) return;
    const credentials = JSON.parse(readFileSync(this.credentialsFile, 'utf8')) as DemoCredentials;
    const lines = [
      `Demo credentials (kept in ${this.credentialsFile}):`,
      `  admin  ${credentials.admin.username} / ${credentials.admin.password ?? '(the ADMIN_PASSWORD you set)'}`,
      ...credentials.staff.map((s) => `  staff  ${s.username} / ${s.password}   (${s.officeCode})`),
    ];
    this.logger.log(lines.join('\n'));
  }
}
