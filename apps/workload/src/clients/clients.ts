import type { HistoryRecorder } from '@faultline/history';
import type { Workbench } from '../setup/workbench';
import { CatalogClient, type CatalogInstance } from './catalog-client';
import { OrdersClient } from './orders-client';
import { PaymentsClient } from './payments-client';
import type { RetryPolicy } from './retry';
import type { ServiceUrls } from './service-urls';

/** One client per service (one per catalog instance), all recording into the same history. */
export interface Clients {
  payments: PaymentsClient;
  catalog: Record<CatalogInstance, CatalogClient>;
  orders: OrdersClient;
}

export function openClients(
  urls: ServiceUrls,
  history: HistoryRecorder,
  workbench: Workbench,
  retry: RetryPolicy,
): Clients {
  return {
    payments: new PaymentsClient(history, urls.PAYMENTS_URL, workbench, retry),
    catalog: {
      'catalog-a': new CatalogClient(history, 'catalog-a', urls.CATALOG_A_URL, workbench),
      'catalog-b': new CatalogClient(history, 'catalog-b', urls.CATALOG_B_URL, workbench),
    },
    orders: new OrdersClient(history, urls.ORDERS_URL, workbench, retry),
  };
}
