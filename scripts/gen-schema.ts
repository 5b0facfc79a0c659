// Writes public/route-config.schema.json from the zod schema (npm run gen:schema).
// A unit test fails when the committed file and the schema disagree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { routeConfigJsonSchema } from '../src/core/config/jsonSchema.ts';

const target = fileURLToPath(new URL('../public/route-config.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(routeConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
