import { Module } from '@nestjs/common';
import { RedisNodes } from './redis-nodes';
import { RedisReadiness } from './redis-readiness';

@Module({ providers: [RedisNodes, RedisReadiness], exports: [RedisNodes, RedisReadiness] })
export class RedisModule {}
