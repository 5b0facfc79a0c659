/**
 * The engine's own checks of a route config, made before anything of it is applied, so a bad
 * document never half-applies: whatever reaches the worker is checked here, whoever sent it.
 */
import { HOST_KERNEL } from '../core';
import type { RouteConfig } from '../core/config';
import { err, normU64 } from './context';
import type { KernelConfig } from './protocol';

export function checkKernelConfig(k: KernelConfig): void {
  if (typeof k.id !== 'string' || k.id.length === 0 || k.id === HOST_KERNEL) {
    err('InvalidConfig', `Kernel id "${String(k.id)}" is not allowed (non-empty, not "host").`);
  }
  if (!Number.isInteger(k.queueCapacity) || k.queueCapacity < 1 || k.queueCapacity > 1 << 20) {
    err('InvalidConfig', `Kernel "${k.id}": queueCapacity must be an integer in 1..1,048,576.`);
  }
  if (!['reject', 'dropOldest', 'deadLetter'].includes(k.overflowPolicy)) {
    err('InvalidConfig', `Kernel "${k.id}": unknown overflow policy "${k.overflowPolicy}".`);
  }
  if (!['fraud', 'aggregator', 'pattern', 'generic'].includes(k.behavior)) {
    err('InvalidConfig', `Kernel "${k.id}": unknown behavior "${k.behavior}".`);
  }
  if (!['auto', 'webgpu', 'cpu'].includes(k.backend)) {
    err('InvalidConfig', `Kernel "${k.id}": unknown backend "${k.backend}".`);
  }
  if (!Number.isSafeInteger(k.tenantId) || k.tenantId < 0) {
    err('InvalidConfig', `Kernel "${k.id}": tenantId must be a non-negative integer.`);
  }
}

export function validateConfig(config: RouteConfig): void {
  if (!config || config.version !== 1) {
    err('InvalidConfig', 'Only route config documents of version 1 can be loaded.');
  }
  for (const k of config.kernels) checkKernelConfig(k);
  const ids = new Set(config.kernels.map((k) => k.id));
  if (ids.size !== config.kernels.length) err('InvalidConfig', 'Kernel ids must be unique.');
  // Validate type ids before changing anything, so a bad document never half-applies.
  for (const t of config.messageTypes) normU64(t.typeId);
  for (const r of config.routes) normU64(r.typeId);
  const b = config.broker;
  if (!Number.isInteger(b.maxHops) || b.maxHops < 0 || b.maxHops > 255)
    err('InvalidConfig', 'broker.maxHops must be an integer in 0..255.');
  if (!Number.isInteger(b.defaultPriority) || b.defaultPriority < 0 || b.defaultPriority > 255)
    err('InvalidConfig', 'broker.defaultPriority must be an integer in 0..255.');
}
