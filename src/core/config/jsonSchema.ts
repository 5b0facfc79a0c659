import { z } from 'zod';
import { CONFIG_VERSION, RouteConfigSchema } from './schema.ts';

/**
 * The JSON Schema (draft 2020-12) of the route-config document, generated from the zod schema
 * so the two cannot drift. Semantic rules (unique routes, known kernels, u64 range of decimal
 * strings) are checked by `parseConfig` only.
 */
export function routeConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(RouteConfigSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: 'route-config.schema.json',
    title: `Ring Dispatcher Workbench route config (version ${CONFIG_VERSION})`,
    description:
      'Message types, kernels, routes, K2K next hops and broker settings for a RingKernel dispatcher.',
  };
}
