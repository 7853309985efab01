// Placeholder: the model helper replaces this with the real parser.
import { ParseResult } from './types';
export * from './types';
export function parsePayload(data: unknown): ParseResult {
  void data;
  return { ok: false, error: 'not implemented yet' };
}
