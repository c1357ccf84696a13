import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The releaser looks for DEFERRED requests of every office twice a second, inside a write
 * transaction. The only index led with the office, so each look read every request ever made
 * (≈ 75 ms at a million, holding SQLite's writer). Led by the status, it reads the deferred ones
 * alone, already in release order.
 */
export class ExpressReleaseIndex1796169600000 implements MigrationInterface {
  name = 'ExpressReleaseIndex1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('express_requests', new TableIndex({ name: 'IDX_express_status_requested', columnNames: ['status', 'requestedAt'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('express_requests', 'IDX_express_status_requested');
  }
}
