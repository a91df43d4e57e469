import { type INestApplication, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { validateEnvironment } from './environment';
import { ServiceEnvironment } from './service-environment';

export interface ServiceDescription {
  title: string;
  description: string;
}

/** Largest JSON body a service accepts; larger ones are answered 413. */
export const JSON_BODY_LIMIT = '64kb';

/** The HTTP conventions every faultline service shares: validation, body limit, OpenAPI at /docs. */
export function configureService(
  app: NestExpressApplication,
  description: ServiceDescription,
): void {
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}

/** Starts a service: logger, conventions, graceful shutdown, then listen on PORT/BIND_ADDRESS. */
export async function runService(
  module: Type,
  description: ServiceDescription,
): Promise<INestApplication> {
  const env = validateEnvironment(ServiceEnvironment, process.env);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureService(app, description);
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.BIND_ADDRESS);
  return app;
}
