import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportStore } from './report-store';

/** GET /reports: the scenario reports this workload wrote (control passes them on). */
@Module({ controllers: [ReportsController], providers: [ReportStore] })
export class ReportsModule {}
