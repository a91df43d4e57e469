import { ValidateIf } from 'class-validator';

/**
 * An optional body field: absent, or valid. class-validator's IsOptional also lets `null`
 * through, which the OpenAPI document (not nullable) says no client sends and no handler
 * expects: `{"seed": null}` must be a 400, not a run with no seed.
 */
export const OptionalField = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
