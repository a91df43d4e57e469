// The validated request bodies and the documented responses of every API, for the services'
// controllers (ValidationPipe) and their OpenAPI documents; clients use the types in ./index.
export * from './carts/cart.dto';
export * from './catalog/product.dto';
export * from './control/console.dto';
export * from './control/drill.dto';
export * from './ledger/ledger.dto';
export * from './orders/order.dto';
export * from './payments/account.dto';
export * from './payments/payment.dto';
export * from './payments/transfer.dto';
export * from './workload/run.dto';
