import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { join } from 'node:path';
import { ConsoleController } from './console.controller';
import { PrometheusController } from './prometheus.controller';
import { PrometheusQueries } from './prometheus-queries';

/**
 * The console: the page at `/` (built into dist/console by `npm run build`), public like any
 * page (it asks for the token; every API it calls checks it), and what it needs from control
 * beyond the drills and runs APIs: its settings and Prometheus's queries.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      // dist/apps/control/src/console → dist/console
      rootPath: join(__dirname, '..', '..', '..', '..', 'console'),
      // Only `/` renders the page; any other unknown path stays a 404 from the API.
      renderPath: '/',
      serveStaticOptions: { index: 'index.html', fallthrough: true, maxAge: 0 },
    }),
  ],
  controllers: [ConsoleController, PrometheusController],
  providers: [PrometheusQueries],
})
export class ConsoleModule {}
