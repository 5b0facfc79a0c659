import { CONFIG_VERSION, type RouteConfig } from './schema.ts';

/**
 * The demo's graph reads left to right as its messages flow, in four columns: the types the host
 * injects, their kernels, what those kernels emit or answer with, and the kernel the emitted type
 * is routed to. Every edge runs rightwards between neighbouring columns, and the graph is wide
 * and low, as the graph pane is (two columns and five rows were fitted at 0.62 at 1280x720, the
 * emits edges looping back to the types' column; four columns and three rows fit at about 0.72).
 * The gaps leave room for each edge's label mid-edge: a rate, or "responds 501 K/s".
 */
const COLUMN = [0, 320, 680, 1000] as const;
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
      'type:1001': { x: COLUMN[0], y: 0 },
      'type:1002': { x: COLUMN[0], y: ROW },
      'type:1003': { x: COLUMN[0], y: 2 * ROW },
      'kernel:fraud_processor': { x: COLUMN[1], y: 0 },
      'kernel:aggregator': { x: COLUMN[1], y: ROW },
      'kernel:pattern_detector': { x: COLUMN[1], y: 2 * ROW },
      'type:1010': { x: COLUMN[2], y: 0 },
      'type:1004': { x: COLUMN[2], y: 2 * ROW },
      'kernel:alert_sink': { x: COLUMN[3], y: 0 },
    },
  };
}
