import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { CommittedReads } from './committed-reads';
import { Sql } from './sql';
import { TransactionRunner } from './transaction-runner';
import { typeOrmOptions } from './typeorm-options';
import { ENTITIES } from './entities';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => typeOrmOptions(config),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [TransactionRunner, Sql, CommittedReads],
  exports: [TypeOrmModule, TransactionRunner, Sql, CommittedReads],
})
export class DatabaseModule {}
