import { runService } from '@faultline/service';
import { LedgerAppModule } from './ledger-app.module';

void runService(LedgerAppModule, {
  title: 'faultline ledger',
  description:
    'The consensus lab’s service: appends to a resource under a lock, in one of three modes ' +
    '(redlock, etcd-lease, etcd-fenced), into PostgreSQL. A writer that pauses past its lease may ' +
    'still write; only the fenced mode’s storage refuses it (409) and keeps the refusal.',
});
