import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The index behind wait estimates (an office's last completed tickets) holds completed tickets
 * only: every ticket issued used to add an entry to it (with no completion time), one more index
 * page for each check-in and walk-in to write, never read.
 */
export class CompletedTicketsIndex1795910400000 implements MigrationInterface {
  name = 'CompletedTicketsIndex1795910400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tickets', 'IDX_tickets_office_completed');
    await queryRunner.createIndex('tickets', new TableIndex({ name: 'IDX_tickets_office_completed', columnNames: ['officeCode', 'completedAt'], where: '"completedAt" IS NOT NULL' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tickets', 'IDX_tickets_office_completed');
    await queryRunner.createIndex('tickets', new TableIndex({ name: 'IDX_tickets_office_completed', columnNames: ['officeCode', 'completedAt'] }));
  }
}
