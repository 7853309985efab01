/**
 * The tokens of the trace query language (rows/query/parser.ts has the
 * grammar): words, `backticked keys`, 'single' or "double" quoted strings
 * (a quote doubled or backslash-escaped stands for itself), numbers,
 * comparison operators, parentheses, commas and dots. Every token keeps its
 * position, so an error can say where.
 */

export type TokenKind = 'word' | 'key' | 'string' | 'number' | 'op' | '(' | ')' | ',' | '.' | 'end';

export interface Token {
  kind: TokenKind;
  /** The word (as written), the key or string (unquoted), the number's text, the operator. */
  text: string;
  /** 0-based offset in the query. */
  at: number;
}

export class QueryError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
    this.name = 'QueryError';
  }
}

const OPERATORS = ['!=', '<>', '>=', '<=', '=', '>', '<'];
const WORD = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

function quoted(query: string, start: number, quote: string): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i];
    if (c === '\\' && i + 1 < query.length) {
      out += query[i + 1];
      i += 2;
    } else if (c === quote) {
      if (query[i + 1] === quote) {
        out += quote;
        i += 2;
      } else {
        return [out, i + 1];
      }
    } else {
      out += c;
      i++;
    }
  }
  const what = quote === '`' ? 'backticked key' : 'string';
  throw new QueryError(`the ${what} that starts here has no closing ${quote}`, start);
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const [text, next] = quoted(query, i, c);
      tokens.push({ kind: c === '`' ? 'key' : 'string', text, at: i });
      i = next;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.') {
      // A dot that starts a number (".5") is the number's.
      if (!(c === '.' && /\d/.test(query[i + 1] ?? '') && !/[\w`]/.test(query[i - 1] ?? ''))) {
        tokens.push({ kind: c, text: c, at: i });
        i++;
        continue;
      }
    }
    const op = OPERATORS.find(o => query.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, at: i });
      i += op.length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(query);
    if (num && (c !== '-' || !/[\w)]/.test(previousChar(query, i)))) {
      tokens.push({ kind: 'number', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(query);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw new QueryError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  tokens.push({ kind: 'end', text: '', at: query.length });
  return tokens;
}

function previousChar(query: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && /\s/.test(query[j])) {
    j--;
  }
  return j >= 0 ? query[j] : '';
}
