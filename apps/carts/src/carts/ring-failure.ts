import { ServiceUnavailableException } from '@nestjs/common';
import { errors, types } from 'cassandra-driver';
import type { CartFailure, ConsistencyLevel } from '@faultline/contracts';

const { responseErrorCodes } = types;

/**
 * Cassandra's refusals as the carts API's 503, with Cassandra's own counts; undefined for
 * anything else (a bug, which must not pass for an availability answer).
 */
export function ringFailure(
  err: unknown,
  consistency: ConsistencyLevel,
): ServiceUnavailableException | undefined {
  const failure = describe(err, consistency);
  return failure && new ServiceUnavailableException(failure);
}

function describe(err: unknown, consistency: ConsistencyLevel): CartFailure | undefined {
  if (err instanceof errors.NoHostAvailableError) {
    // Each member's own answer is inside: an Unavailable there is the answer to report.
    const inner = Object.values(err.innerErrors ?? {});
    const answered = inner.map((e) => describe(e, consistency)).find((f) => f !== undefined);
    return (
      answered ?? {
        error: 'no-host-available',
        message: `no Cassandra member could be reached: ${err.message}`,
        consistency,
      }
    );
  }
  if (err instanceof errors.OperationTimedOutError) {
    return {
      error: 'no-host-available',
      message: `the member did not answer in time: ${err.message}`,
      consistency,
    };
  }
  if (!(err instanceof errors.ResponseError)) return undefined;
  const e = err as errors.ResponseError & {
    required?: number;
    alive?: number;
    received?: number;
    blockFor?: number;
  };
  switch (e.code) {
    case responseErrorCodes.unavailableException:
      return {
        error: 'unavailable',
        message: `${consistency} needs ${e.required} replicas, the coordinator knows ${e.alive} alive: not attempted`,
        consistency,
        required: e.required,
        alive: e.alive,
      };
    case responseErrorCodes.writeTimeout:
      return {
        error: 'write-timeout',
        message: `${consistency} needs ${e.blockFor} replicas, ${e.received} acknowledged in time: the write may still have happened`,
        consistency,
        required: e.blockFor,
        received: e.received,
      };
    case responseErrorCodes.readTimeout:
      return {
        error: 'read-timeout',
        message: `${consistency} needs ${e.blockFor} replicas, ${e.received} answered in time`,
        consistency,
        required: e.blockFor,
        received: e.received,
      };
    default:
      return undefined;
  }
}
