import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

// A body field's validation and its OpenAPI schema come from the same bounds here, so the
// document cannot promise what the validation pipe refuses (or the other way round).

/** What the document says of a field besides its bounds. */
interface Documented {
  description?: string;
  example?: unknown;
  default?: unknown;
}

/**
 * An optional body field: absent, or valid. class-validator's IsOptional also lets `null`
 * through, which the OpenAPI document (not nullable) says no client sends and no handler
 * expects: `{"seed": null}` must be a 400, not a run with no seed.
 */
export const OptionalField = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * An integer from `minimum` to `maximum`. `message` replaces class-validator's own messages
 * (one sentence naming the range); `optional`: absent, or valid.
 */
export function IntegerField(
  options: Documented & { minimum: number; maximum: number; message?: string; optional?: boolean },
): PropertyDecorator {
  const { minimum, maximum, message, optional, ...documented } = options;
  const schema: ApiPropertyOptions = { type: 'integer', minimum, maximum, ...documented };
  const says = message === undefined ? undefined : { message };
  // Listed as they would stack from the bottom up, so the pipe's messages keep their order.
  return applyDecorators(
    Max(maximum, says),
    Min(minimum, says),
    IsInt(says),
    ...(optional ? [OptionalField(), ApiPropertyOptional(schema)] : [ApiProperty(schema)]),
  );
}

/**
 * A finite number from `minimum` to `maximum`, in a query string (text, converted first);
 * `message` names the range; `optional`: absent, or valid.
 */
export function NumberQueryField(
  options: Documented & { minimum: number; maximum: number; message: string; optional?: boolean },
): PropertyDecorator {
  const { minimum, maximum, message, optional, ...documented } = options;
  const schema: ApiPropertyOptions = { type: 'number', minimum, maximum, ...documented };
  return applyDecorators(
    Max(maximum, { message }),
    Min(minimum, { message }),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message }),
    Type(() => Number),
    ...(optional ? [OptionalField(), ApiPropertyOptional(schema)] : [ApiProperty(schema)]),
  );
}

/** A non-empty string of at most `maxLength` characters. */
export function TextField(options: Documented & { maxLength: number }): PropertyDecorator {
  const { maxLength, ...documented } = options;
  return applyDecorators(
    MaxLength(maxLength),
    IsNotEmpty(),
    IsString(),
    ApiProperty({ minLength: 1, maxLength, ...documented }),
  );
}
