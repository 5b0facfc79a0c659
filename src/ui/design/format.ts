/**
 * The page's number formatter (thousands separators, compact forms, units): it lives in
 * `src/engine/format.ts`, because the engine words some numbers itself with the same functions.
 */
export * from '../../engine/format';
