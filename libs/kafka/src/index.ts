/**
 * kafkajs, for every process of the project that talks to Kafka: importing it from here first
 * applies the fix of its idle timer loop (idle-request-queue.ts).
 */
import './idle-request-queue';

export { Kafka, logLevel } from 'kafkajs';
export type { Admin, Consumer, EachMessagePayload, Producer } from 'kafkajs';
