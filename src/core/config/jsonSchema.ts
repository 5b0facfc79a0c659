import { z } from 'zod';
import { HOST_KERNEL } from '../host.ts';
import { CONFIG_VERSION, FieldSchema, KernelIdSchema, RouteConfigSchema } from './schema.ts';

/**
 * The JSON Schema (draft 2020-12) of the route-config document, generated from the zod schema
 * so the two cannot drift. Its patterns use code-point ranges only, so validators outside
 * JavaScript read it too (a test checks it with Python's jsonschema). Rules that zod checks in
 * code are added where JSON Schema can say them: a kernel id is never the host's, and a field
 * has a `size` exactly when it is `bytes`. What it cannot say (unique routes, known kernels,
 * unique kernel and type ids) is checked by `parseConfig` only.
 */
export function routeConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(RouteConfigSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === KernelIdSchema) {
        jsonSchema.not = { const: HOST_KERNEL };
      } else if (zodSchema === FieldSchema) {
        jsonSchema.if = { properties: { type: { const: 'bytes' } }, required: ['type'] };
        jsonSchema.then = { required: ['size'] };
        jsonSchema.else = { not: { required: ['size'] } };
      }
    },
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: 'route-config.schema.json',
    title: `Ring Dispatcher Workbench route config (version ${CONFIG_VERSION})`,
    description:
      'Message types, kernels, routes, K2K next hops and broker settings for a RingKernel dispatcher.',
  };
}
