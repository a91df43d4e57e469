import { runService } from '@faultline/service';
import { CartsAppModule } from './carts-app.module';

void runService(CartsAppModule, {
  title: 'faultline carts',
  description:
    'The quorum lab’s service: shopping carts on a 3-node Cassandra ring (replication factor 3). ' +
    'Each request names its consistency level (Consistency-Level: ONE, QUORUM, ALL); writes carry this ' +
    'instance’s clock as their timestamp. Adds survive concurrency (a set); a replace is last-write-wins.',
});
