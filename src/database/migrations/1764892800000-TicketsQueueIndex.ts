import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The waiting queue is one office's one day: call-next, queue listings and positions filter on
 * `serviceDate` too, so the index leads with it. Replaces the index without the day.
 */
export class TicketsQueueIndex1764892800000 implements MigrationInterface {
  name = 'TicketsQueueIndex1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('tickets', new TableIndex({ name: 'IDX_tickets_queue', columnNames: ['officeCode', 'serviceDate', 'status', 'callKey'] }));
    await queryRunner.dropIndex('tickets', 'IDX_tickets_office_status_key');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('tickets', new TableIndex({ name: 'IDX_tickets_office_status_key', columnNames: ['officeCode', 'status', 'callKey'] }));
    await queryRunner.dropIndex('tickets', 'IDX_tickets_queue');
  }
}
