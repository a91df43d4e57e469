import type { WorkloadEnvironment } from '../config/workload-environment';

/** Where the services a run drives answer. */
export type ServiceUrls = Pick<
  WorkloadEnvironment,
  'PAYMENTS_URL' | 'CATALOG_A_URL' | 'CATALOG_B_URL' | 'ORDERS_URL'
>;
