import { CONFIG_VERSION, type RouteConfig } from './schema.ts';

const TYPE_X = 0;
const KERNEL_X = 440;
const ROW = 110;

/**
 * The canonical demo workspace: RingKernel's fraud-detection domain (type ids 1000-1099).
 * 1001 -> fraud_processor, 1002 -> aggregator, 1003 -> pattern_detector as in the seed's docs;
 * 1003 requires a response (1004, type + 1 by RingKernel convention), which travels back to the
 * requester and so needs no route; the fraud processor emits 1010 FraudAlert, routed to alert_sink.
 * Returns a fresh object on every call.
 */
export function demoConfig(): RouteConfig {
  return {
    version: CONFIG_VERSION,
    name: 'Fraud detection (demo)',
    broker: { maxPendingMessages: 1024, deliveryTimeoutMs: 5000, maxHops: 8, defaultPriority: 0 },
    messageTypes: [
      {
        typeId: 1001,
        name: 'Transaction',
        handlerId: 1,
        fields: [
          { name: 'id', type: 'u64' },
          { name: 'amount', type: 'f32' },
          { name: 'account', type: 'u32' },
          { name: 'counterparty', type: 'u32' },
          { name: 'country', type: 'u16' },
          { name: 'timestampUs', type: 'u64' },
        ],
        description:
          'A card or wire transaction to screen (amount threshold, velocity, structuring).',
      },
      {
        typeId: 1002,
        name: 'AccountUpdate',
        handlerId: 2,
        fields: [
          { name: 'account', type: 'u32' },
          { name: 'amount', type: 'f32' },
          { name: 'windowMs', type: 'u32' },
          { name: 'timestampUs', type: 'u64' },
        ],
        description: 'Aggregate request: fold an amount into the per-account window.',
      },
      {
        typeId: 1003,
        name: 'PatternCheck',
        handlerId: 3,
        requiresResponse: true,
        responseTypeId: 1004,
        fields: [
          { name: 'account', type: 'u32' },
          { name: 'counterparty', type: 'u32' },
          { name: 'windowMs', type: 'u32' },
          { name: 'maxDepth', type: 'u8' },
        ],
        description: 'Scan an account for circular trading and rapid repeats.',
      },
      {
        typeId: 1004,
        name: 'PatternResult',
        handlerId: 4,
        fields: [
          { name: 'account', type: 'u32' },
          { name: 'patternKind', type: 'u8' },
          { name: 'matched', type: 'bool' },
          { name: 'score', type: 'f32' },
        ],
        description: 'Response to PatternCheck (type + 1), addressed back to the requester.',
      },
      {
        typeId: 1010,
        name: 'FraudAlert',
        handlerId: 10,
        fields: [
          { name: 'transactionId', type: 'u64' },
          { name: 'account', type: 'u32' },
          { name: 'reason', type: 'u8' },
          { name: 'score', type: 'f32' },
          { name: 'timestampUs', type: 'u64' },
        ],
        description: 'Raised by fraud_processor and routed on to alert_sink.',
      },
    ],
    kernels: [
      {
        id: 'fraud_processor',
        queueCapacity: 4096,
        overflowPolicy: 'deadLetter',
        tenantId: 0,
        backend: 'auto',
        behavior: 'fraud',
        description: 'Screens transactions; emits FraudAlert.',
      },
      {
        id: 'aggregator',
        queueCapacity: 4096,
        overflowPolicy: 'dropOldest',
        tenantId: 0,
        backend: 'auto',
        behavior: 'aggregator',
        description: 'Per-account rolling sums.',
      },
      {
        id: 'pattern_detector',
        queueCapacity: 1024,
        overflowPolicy: 'reject',
        tenantId: 0,
        backend: 'auto',
        behavior: 'pattern',
        description: 'Circular trading and rapid-repeat detection.',
      },
      {
        id: 'alert_sink',
        queueCapacity: 1024,
        overflowPolicy: 'deadLetter',
        tenantId: 0,
        backend: 'cpu',
        behavior: 'generic',
        description: 'Collects alerts for review.',
      },
    ],
    routes: [
      { typeId: 1001, kernelId: 'fraud_processor' },
      { typeId: 1002, kernelId: 'aggregator' },
      { typeId: 1003, kernelId: 'pattern_detector' },
      { typeId: 1010, kernelId: 'alert_sink', handlerName: 'on_fraud_alert' },
    ],
    k2kRoutes: [],
    generatorPresets: [
      {
        name: 'Steady card traffic',
        ratePerSec: 2000,
        pattern: 'poisson',
        mix: [
          { typeId: 1001, weight: 80 },
          { typeId: 1002, weight: 15 },
          { typeId: 1003, weight: 5 },
        ],
        zipfS: 1.1,
        accounts: 10_000,
        durationMs: 60_000,
        priority: 1,
        seed: 42,
      },
      {
        name: 'Burst of structuring',
        ratePerSec: 20_000,
        pattern: 'bursts',
        mix: [{ typeId: 1001, weight: 1 }],
        zipfS: 2,
        accounts: 100,
        durationMs: 10_000,
        priority: 2,
        seed: 7,
      },
    ],
    layout: {
      'type:1001': { x: TYPE_X, y: 0 },
      'type:1002': { x: TYPE_X, y: ROW },
      'type:1003': { x: TYPE_X, y: 2 * ROW },
      'type:1004': { x: TYPE_X, y: 3 * ROW },
      'type:1010': { x: TYPE_X, y: 4 * ROW },
      'kernel:fraud_processor': { x: KERNEL_X, y: 0 },
      'kernel:aggregator': { x: KERNEL_X, y: ROW },
      'kernel:pattern_detector': { x: KERNEL_X, y: 2 * ROW },
      'kernel:alert_sink': { x: KERNEL_X, y: 4 * ROW },
    },
  };
}
