/**
 * The trace query language: MLflow's `search_traces` filter strings, and more.
 *
 *   query      := or
 *   or         := and ( OR and )*
 *   and        := not ( AND not )*
 *   not        := NOT not | '(' or ')' | comparison
 *   comparison := field op value
 *               | field [NOT] LIKE | ILIKE | RLIKE string
 *               | field [NOT] IN '(' value ( ',' value )* ')'
 *               | field IS [NOT] NULL
 *   field      := part ( '.' part )*        part := word | `backticked key`
 *   op         := = | != | <> | > | >= | < | <=
 *   value      := 'string' | "string" | number | TRUE | FALSE
 *
 * Keywords are case-insensitive. MLflow's language is this without OR, NOT
 * and parentheses (so every MLflow filter string parses to the same meaning).
 * A time field also takes a date string ('2026-12-01', '2026-12-01T10:00Z'; no zone: UTC).
 * Errors are QueryErrors with the offset where the query stops making sense.
 */
import { Field, resolveField } from './fields';
import { QueryError, Token, tokenize } from './lexer';

export type Literal = string | number | boolean;

export type Condition =
  | { kind: 'compare'; field: Field; op: '=' | '!=' | '>' | '>=' | '<' | '<='; value: Literal }
  | { kind: 'like'; field: Field; op: 'LIKE' | 'ILIKE' | 'RLIKE'; pattern: string; negated: boolean }
  | { kind: 'in'; field: Field; values: Literal[]; negated: boolean }
  | { kind: 'null'; field: Field; negated: boolean };

export type Query =
  | Condition
  | { kind: 'and' | 'or'; items: Query[] }
  | { kind: 'not'; item: Query };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'IS', 'NULL', 'TRUE', 'FALSE']);

/** Parse a query; an empty one (only spaces) is null: everything matches. */
export function parseQuery(query: string): Query | null {
  const p = new Parser(tokenize(query));
  if (p.peek().kind === 'end') {
    return null;
  }
  const q = p.or();
  const rest = p.peek();
  if (rest.kind !== 'end') {
    throw new QueryError(`expected AND, OR or the end of the query, found ${describe(rest)}`, rest.at);
  }
  return q;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return `the string '${t.text}'`;
    case 'key':
      return `\`${t.text}\``;
    default:
      return JSON.stringify(t.text);
  }
}

class Parser {
  constructor(private tokens: Token[]) {}

  private i = 0;

  peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private isWord(word: string, t: Token = this.peek()): boolean {
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }

  private expectWord(word: string, what: string): void {
    if (!this.isWord(word)) {
      throw new QueryError(`expected ${what}, found ${describe(this.peek())}`, this.peek().at);
    }
    this.i++;
  }

  or(): Query {
    const items = [this.and()];
    while (this.isWord('OR')) {
      this.i++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): Query {
    const items = [this.not()];
    while (this.isWord('AND')) {
      this.i++;
      items.push(this.not());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private not(): Query {
    if (this.isWord('NOT')) {
      this.i++;
      return { kind: 'not', item: this.not() };
    }
    if (this.peek().kind === '(') {
      this.i++;
      const inner = this.or();
      const close = this.peek();
      if (close.kind !== ')') {
        throw new QueryError(`expected ) to close the ( here, found ${describe(close)}`, close.at);
      }
      this.i++;
      return inner;
    }
    return this.comparison();
  }

  private field(): { field: Field; at: number } {
    const start = this.peek();
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'key' || (t.kind === 'word' && !(parts.length === 0 && KEYWORDS.has(t.text.toUpperCase())))) {
        parts.push(t.text);
        this.i++;
      } else {
        throw new QueryError(
          parts.length === 0 ? `expected a field (e.g. trace.status, tag.name, tokens), found ${describe(t)}` : `expected a key after the dot, found ${describe(t)}`,
          t.at
        );
      }
      if (this.peek().kind !== '.') {
        break;
      }
      this.i++;
    }
    const field = resolveField(parts);
    if (typeof field === 'string') {
      throw new QueryError(field, start.at);
    }
    return { field, at: start.at };
  }

  private value(field: Field): Literal {
    const t = this.next();
    if (t.kind === 'string') {
      return field.type === 'number' ? this.fail(`${field.label} is a number: write it without quotes`, t) : t.text;
    }
    if (t.kind === 'number') {
      const n = Number(t.text);
      return field.type === 'text' || field.type === 'status' ? String(t.text) : n;
    }
    if (this.isWord('TRUE', t) || this.isWord('FALSE', t)) {
      return t.text.toUpperCase() === 'TRUE';
    }
    return this.fail(`expected a value ('text', a number, TRUE or FALSE), found ${describe(t)}`, t);
  }

  private fail(message: string, t: Token): never {
    throw new QueryError(message, t.at);
  }

  private comparison(): Condition {
    const { field } = this.field();
    const t = this.peek();
    const negated = this.isWord('NOT');
    if (negated) {
      this.i++;
    }
    const word = this.peek().kind === 'word' ? this.peek().text.toUpperCase() : '';
    if (word === 'LIKE' || word === 'ILIKE' || word === 'RLIKE') {
      const opToken = this.next();
      if (field.type === 'number' || field.type === 'time') {
        this.fail(`${field.label} is a number: compare it with =, !=, <, <=, >, >=`, opToken);
      }
      const pattern = this.next();
      if (pattern.kind !== 'string') {
        this.fail(`${word} takes a quoted pattern, found ${describe(pattern)}`, pattern);
      }
      if (word === 'RLIKE') {
        try {
          new RegExp(pattern.text, 'u');
        } catch (e) {
          this.fail(`not a regular expression: ${String((e as Error).message)}`, pattern);
        }
      }
      return { kind: 'like', field, op: word, pattern: pattern.text, negated };
    }
    if (word === 'IN') {
      this.i++;
      const open = this.next();
      if (open.kind !== '(') {
        this.fail(`IN takes a list in parentheses: IN ('a', 'b'), found ${describe(open)}`, open);
      }
      const values = [this.value(field)];
      while (this.peek().kind === ',') {
        this.i++;
        values.push(this.value(field));
      }
      const close = this.next();
      if (close.kind !== ')') {
        this.fail(`expected , or ) in the IN list, found ${describe(close)}`, close);
      }
      return { kind: 'in', field, values: values.map(v => timeValue(field, v, close)), negated };
    }
    if (negated) {
      return this.fail(`expected LIKE, ILIKE, RLIKE or IN after NOT, found ${describe(this.peek())}`, this.peek());
    }
    if (word === 'IS') {
      this.i++;
      const not = this.isWord('NOT');
      if (not) {
        this.i++;
      }
      this.expectWord('NULL', 'NULL');
      return { kind: 'null', field, negated: not };
    }
    const op = this.next();
    if (op.kind !== 'op') {
      return this.fail(`expected an operator (=, !=, <, <=, >, >=, LIKE, IN, IS NULL) after ${field.label}, found ${describe(op.kind === 'end' ? op : t)}`, op);
    }
    const ordered = op.text !== '=' && op.text !== '!=';
    if (ordered && (field.type === 'text' || field.type === 'status')) {
      this.fail(`${field.label} is text: compare it with =, !=, LIKE, ILIKE, RLIKE or IN`, op);
    }
    const at = this.peek();
    return { kind: 'compare', field, op: op.text as '=' | '!=' | '>' | '>=' | '<' | '<=', value: timeValue(field, this.value(field), at) };
  }
}

/** A date string given to a time field, as epoch ms. */
function timeValue(field: Field, v: Literal, t: Token): Literal {
  if (field.type !== 'time' || typeof v !== 'string') {
    return v;
  }
  // A date-time without a zone is UTC (as in Python), not the browser's local time.
  const ms = Date.parse(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v.trim()) ? `${v.trim()}Z` : v);
  if (!Number.isFinite(ms)) {
    throw new QueryError(`${field.label} takes epoch milliseconds or a date ('2026-12-01T10:00:00Z'), not '${v}'`, t.at);
  }
  return ms;
}
