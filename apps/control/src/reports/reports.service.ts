import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable, NotFoundException } from '@nestjs/common';
import { TopologySource } from '../topology/topology-source';

export interface ReportSummary {
  id: string;
  scenario: string;
  verdict: string;
  startedAt: string;
  endedAt: string;
}

/** Scenario reports, as the workload writes them into the state directory's reports/. */
@Injectable()
export class ReportsService {
  constructor(private readonly topology: TopologySource) {}

  private get dir(): string {
    return join(dirname(this.topology.stateFile), 'reports');
  }

  list(): ReportSummary[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as ReportSummary)
      .map(({ id, scenario, verdict, startedAt, endedAt }) => ({
        id,
        scenario,
        verdict,
        startedAt,
        endedAt,
      }))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
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
