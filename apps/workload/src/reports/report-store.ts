import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, NotFoundException } from '@nestjs/common';
import { WorkloadEnvironment } from '../config/workload-environment';
import { readReports } from './report';

export interface ReportSummary {
  id: string;
  scenario: string;
  verdict: string;
  startedAt: string;
  endedAt: string;
}

/** The scenario reports this workload wrote into FAULTLINE_REPORTS_DIR (see report.ts). */
@Injectable()
export class ReportStore {
  constructor(private readonly env: WorkloadEnvironment) {}

  private get dir(): string {
    return this.env.FAULTLINE_REPORTS_DIR;
  }

  list(): ReportSummary[] {
    return readReports(this.dir).map(({ id, scenario, verdict, startedAt, endedAt }) => ({
      id,
      scenario,
      verdict,
      startedAt,
      endedAt,
    }));
  }

  /** The report as JSON, with its Markdown rendering under `markdown`. */
  get(id: string): unknown {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundException(`report ${id} does not exist`);
    const file = join(this.dir, `${id}.json`);
    if (!existsSync(file)) throw new NotFoundException(`report ${id} does not exist`);
    const markdownFile = join(this.dir, `${id}.md`);
    return {
      ...(JSON.parse(readFileSync(file, 'utf8')) as object),
      markdown: existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : undefined,
    };
  }
}
