/**
 * Amounts are integer minor units (cents). The bound keeps every balance exactly
 * representable as a JavaScript number and far inside PostgreSQL's bigint.
 */
export const MAX_AMOUNT = 1_000_000_000_000;
