/**
 * The model layer's public surface: the Trace/Span types and parsePayload
 * (any payload → Trace[]). Pure, no DOM. Re-exports only.
 */
export * from './types';
export { parsePayload } from './parse';
