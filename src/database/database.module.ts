import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { CommittedReads } from './committed-reads';
import { acquireInstanceLock, InstanceLockRelease, usesInstanceLock } from './instance-lock';
import { Sql } from './sql';
import { TransactionRunner } from './transaction-runner';
import { typeOrmOptions } from './typeorm-options';
import { ENTITIES } from './entities';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const options = typeOrmOptions(config);
        // Before the migrations run: a second instance must not touch the file at all.
        if (usesInstanceLock(config)) await acquireInstanceLock(config.database.path, config.sqliteInstanceLockWaitMs);
        return options;
      },
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [TransactionRunner, Sql, CommittedReads, InstanceLockRelease],
  exports: [TypeOrmModule, TransactionRunner, Sql, CommittedReads],
})
export class DatabaseModule {}
