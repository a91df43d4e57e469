import { runService } from '@faultline/service';
import { CatalogAppModule } from './catalog-app.module';

void runService(CatalogAppModule, {
  title: 'faultline catalog',
  description:
    'The AP service: products on Redis. Eventual reads come from this instance’s replica and may be stale ' +
    '(X-Served-By says which node answered); writes are last-writer-wins on the primary.',
});
