/**
 * What each kernel behaviour does, in the Inspector under its choice: at 100 K/s the fraud
 * processor alerted on 93 % of transactions, and nothing on screen said that its velocity rule
 * (more than 10 transactions of an account within 60 s) fires for nearly every account of a
 * Zipf mix at that rate. Numbers come from the kernels' own tunables (`src/gpu/kernels/params.ts`,
 * which the twins and the WGSL read), so the words cannot drift from what runs.
 */
import type { Behavior } from '../../core/config';
import { FRAUD, PATTERN } from '../../gpu/kernels/params';
import { formatNumber } from '../design/format';

const seconds = (us: number) => `${formatNumber(us / 1e6)} s`;

export const BEHAVIOR_RULES: Record<Behavior, string> = {
  fraud: `Emits a FraudAlert (1010) for each transaction that trips a rule: amount over ${formatNumber(FRAUD.largeAmount)} (large), from ${formatNumber(FRAUD.structuringMin)} up to it (structuring), or an account's transaction after ${formatNumber(FRAUD.velocityLimit)} others within ${seconds(FRAUD.velocityWindowUs)} (velocity). At high rates nearly every account trips velocity, so nearly every transaction alerts.`,
  aggregator:
    'Adds each amount to its account’s running total and counts it; answers a message that requires a response with the account’s summary (its type + 1), back to the sender. Emits nothing else.',
  pattern: `Remembers each pair of accounts’ last transfer: the same transfer again within ${seconds(PATTERN.windowUs)} is a rapid repeat, the reverse direction a circular transfer. Emits a PatternResult (1004) when one fires, and answers a message that requires a response.`,
  generic:
    'Counts every message by type; echoes a message that requires a response back to its sender as type + 1. Otherwise a sink: it emits nothing.',
};
