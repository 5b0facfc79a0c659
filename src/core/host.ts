/**
 * The dispatcher's own endpoint: the source of injected traffic (`dispatch` sends from it), so
 * never a kernel id. One definition for the core, the config schema, the engine and the editor.
 */
export const HOST_KERNEL = 'host';

/** Why a kernel may not be called {@link HOST_KERNEL}. */
export const HOST_KERNEL_RESERVED = `"${HOST_KERNEL}" is reserved for the dispatcher host endpoint; choose another kernel id`;
