import { type INestApplication, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
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
  forbidUnknownBodyProperties(document);
  SwaggerModule.setup('docs', app, document);
}

type SchemaNode = {
  $ref?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
};

/**
 * The validation pipe refuses a property a body's DTO does not declare (forbidNonWhitelisted):
 * the document says so too (`additionalProperties: false` on every request body's schema and
 * the schemas nested in it), so a client, or a fuzzer, knows what a valid body is.
 */
function forbidUnknownBodyProperties(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  const closed = new Set<string>();
  const close = (node: SchemaNode | undefined): void => {
    if (!node) return;
    if (node.$ref) {
      const name = node.$ref.replace('#/components/schemas/', '');
      if (closed.has(name)) return;
      closed.add(name);
      close(schemas[name]);
      return;
    }
    close(node.items);
    if (!node.properties) return;
    node.additionalProperties ??= false;
    Object.values(node.properties).forEach(close);
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { requestBody?: unknown }[]) {
      const body = operation?.requestBody as
        { content?: Record<string, { schema?: SchemaNode }> } | undefined;
      close(body?.content?.['application/json']?.schema);
    }
  }
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
