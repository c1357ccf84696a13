import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Every query by NIK asks for the applicant's active booking, which the partial unique index
 * `UQ_appointments_active_nik` answers (its WHERE is the queries' own status list). The plain index
 * on `nik` was never read, yet each booking wrote an entry into it at a random place (NIKs arrive in
 * no order), often one more page for the booking's COMMIT to write.
 */
export class DropPlainNikIndex1795996800000 implements MigrationInterface {
  name = 'DropPlainNikIndex1795996800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('appointments', 'IDX_appointments_nik');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('appointments', new TableIndex({ name: 'IDX_appointments_nik', columnNames: ['nik'] }));
  }
}
