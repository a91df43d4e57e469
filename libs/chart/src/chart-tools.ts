import { type ProvisionedTools, provisionedTool } from '@faultline/topology';

/** The chart's offline tools, which scripts/provision.sh installs and records. */
export type ChartTools = Pick<ProvisionedTools, 'helm' | 'kubernetesValidate' | 'checkov'>;

export const resolveChartTools = (): ChartTools => ({
  helm: provisionedTool('helm'),
  kubernetesValidate: provisionedTool('kubernetesValidate'),
  checkov: provisionedTool('checkov'),
});
