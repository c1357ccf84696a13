import { MigrationInterface, QueryRunner, Table, TableCheck, TableIndex, TableUnique } from 'typeorm';
import type { TableColumnOptions } from 'typeorm/schema-builder/options/TableColumnOptions';

/*
 * Written with TypeORM's schema builder, not raw SQL, so one migration serves SQLite and PostgreSQL.
 * Instants are ISO-8601 UTC strings (fixed width, so they sort and compare as text on both).
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const instant = (name: string, nullable = false): TableColumnOptions => text(name, 24, nullable);
const int = (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'integer', ...options });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: false });

export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [id, { ...text('username', 64), isUnique: true }, text('passwordHash', 255), text('role', 10), text('officeCode', 20, true), instant('createdAt')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [id, instant('at'), text('actor', 64), text('action', 64), text('target', 120), { name: 'details', type: 'text' }],
        indices: [new TableIndex({ name: 'IDX_audit_at', columnNames: ['at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'offices',
        columns: [{ ...text('code', 20), isPrimary: true }, text('name', 120), text('timeZone', 64), int('dailyExpressQuota'), instant('createdAt')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'slots',
        columns: [id, text('officeCode', 20), text('date', 10), text('start', 5), text('end', 5), instant('startsAt'), instant('endsAt'), int('capacity'), int('booked', { default: 0 })],
        indices: [new TableIndex({ name: 'IDX_slots_office_date', columnNames: ['officeCode', 'date'] })],
        // The database itself refuses an overbooked slot, whatever the code above it does.
        checks: [new TableCheck({ name: 'CHK_slots_seats', expression: 'booked >= 0 AND booked <= capacity AND capacity >= 1' })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'counters',
        columns: [id, text('officeCode', 20), int('number'), { ...text('status', 10), default: "'CLOSED'" }, int('currentTicketId', { isNullable: true }), instant('updatedAt')],
        uniques: [new TableUnique({ name: 'UQ_counters_office_number', columnNames: ['officeCode', 'number'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'appointments',
        columns: [
          id,
          { ...text('code', 10), isUnique: true },
          text('officeCode', 20),
          int('slotId'),
          text('serviceType', 12),
          text('status', 12),
          text('nik', 16),
          text('fullName', 100),
          text('phone', 16),
          text('email', 254, true),
          bool('manual'),
          instant('createdAt'),
          instant('updatedAt'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_appointments_slot', columnNames: ['slotId'] }),
          // Look-ups by NIK bind the statuses as parameters, which SQLite cannot match to the partial index below.
          new TableIndex({ name: 'IDX_appointments_nik', columnNames: ['nik'] }),
          // One active booking per NIK, enforced by the database even when one person races themself.
          new TableIndex({
            name: 'UQ_appointments_active_nik',
            columnNames: ['nik'],
            isUnique: true,
            where: "status IN ('BOOKED', 'CHECKED_IN', 'CALLED', 'SERVING')",
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'tickets',
        columns: [
          id,
          text('officeCode', 20),
          text('serviceDate', 10),
          text('number', 8),
          text('kind', 12),
          { ...int('appointmentId', { isNullable: true }), isUnique: true },
          text('serviceType', 12),
          bool('priority'),
          text('status', 10),
          int('counterNumber', { isNullable: true }),
          bool('manual'),
          instant('slotStartsAt', true),
          text('applicantName', 100, true),
          text('applicantNik', 16, true),
          text('applicantPhone', 16, true),
          instant('checkedInAt'),
          instant('calledAt', true),
          instant('startedAt', true),
          instant('completedAt', true),
          text('completedInMode', 10, true),
          int('recallCount', { default: 0 }),
          text('callKey', 64),
        ],
        uniques: [new TableUnique({ name: 'UQ_tickets_office_day_number', columnNames: ['officeCode', 'serviceDate', 'number'] })],
        indices: [
          // Call-next and queue positions are index range scans, however long the queue.
          new TableIndex({ name: 'IDX_tickets_office_status_key', columnNames: ['officeCode', 'status', 'callKey'] }),
          new TableIndex({ name: 'IDX_tickets_office_completed', columnNames: ['officeCode', 'completedAt'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'daily_sequences',
        columns: [{ ...text('officeCode', 20), isPrimary: true }, { ...text('serviceDate', 10), isPrimary: true }, { ...text('name', 10), isPrimary: true }, int('value', { default: 0 })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'express_requests',
        columns: [
          id,
          text('officeCode', 20),
          text('serviceDate', 10),
          { ...int('appointmentId', { isNullable: true }), isUnique: true },
          { ...int('ticketId', { isNullable: true }), isUnique: true },
          text('status', 10),
          instant('requestedAt'),
          instant('deferredAt', true),
          instant('releasedAt', true),
          instant('cancelledAt', true),
          instant('fulfilledAt', true),
        ],
        indices: [new TableIndex({ name: 'IDX_express_office_status', columnNames: ['officeCode', 'status', 'requestedAt'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'service_modes',
        columns: [
          { ...text('scope', 20), isPrimary: true },
          text('mode', 10),
          text('expressPolicy', 10),
          text('bookingPolicy', 10),
          text('reason', 500),
          text('message', 500, true),
          instant('expectedRecoveryAt', true),
          text('changedBy', 64),
          instant('changedAt'),
          int('version'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'service_mode_history',
        columns: [id, text('scope', 20), text('fromMode', 10), text('toMode', 10), text('expressPolicy', 10), text('bookingPolicy', 10), text('reason', 500), text('changedBy', 64), instant('changedAt')],
        indices: [new TableIndex({ name: 'IDX_mode_history_scope', columnNames: ['scope'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'reconciliation_items',
        columns: [
          id,
          text('officeCode', 20),
          { ...int('ticketId'), isUnique: true },
          text('ticketNumber', 8),
          text('appointmentCode', 10, true),
          text('serviceType', 12),
          instant('completedAt'),
          text('status', 10),
          text('resolvedBy', 64, true),
          instant('resolvedAt', true),
          text('note', 500, true),
        ],
        indices: [new TableIndex({ name: 'IDX_reconciliation_office_status', columnNames: ['officeCode', 'status'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_records',
        columns: [id, { ...text('scopeHash', 64), isUnique: true }, text('requestHash', 64), int('statusCode'), { name: 'responseBody', type: 'text' }, instant('createdAt')],
        indices: [new TableIndex({ name: 'IDX_idempotency_created', columnNames: ['createdAt'] })],
      }),
    );

    await queryRunner.manager
      .createQueryBuilder()
      .insert()
      .into('service_modes')
      .values({
        scope: 'global',
        mode: 'NORMAL',
        expressPolicy: 'REJECT',
        bookingPolicy: 'OPEN',
        reason: 'Initial state',
        message: null,
        expectedRecoveryAt: null,
        changedBy: 'system',
        changedAt: new Date().toISOString(),
        version: 1,
      })
      .execute();
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_records',
      'reconciliation_items',
      'service_mode_history',
      'service_modes',
      'express_requests',
      'daily_sequences',
      'tickets',
      'appointments',
      'counters',
      'slots',
      'offices',
      'audit_log',
      'users',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
