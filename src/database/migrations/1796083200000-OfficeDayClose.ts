import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last office-local day whose leftovers were closed (see DayCloseService), so each day is
 * closed once and a restart does not walk an office's history again. A plain ALTER on both
 * databases: TypeORM's addColumn rebuilds the table on SQLite.
 */
export class OfficeDayClose1796083200000 implements MigrationInterface {
  name = 'OfficeDayClose1796083200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offices ADD COLUMN "closedThrough" varchar(10)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offices DROP COLUMN "closedThrough"`);
  }
}
