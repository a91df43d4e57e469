import { Module } from '@nestjs/common';
import { LiveVerdicts } from './live-verdicts';

@Module({ providers: [LiveVerdicts] })
export class LiveModule {}
