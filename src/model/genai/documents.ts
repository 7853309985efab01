/**
 * Retrieved documents of a RETRIEVER / RERANKER span: from OpenInference
 * attributes (`retrieval.documents.N.document.*`, `reranker.output_documents.N.document.*`)
 * or from the span's outputs (MLflow / LangChain `Document` dicts with
 * `page_content`, or plain `{content|text, id, score, metadata}` items). Pure.
 */
import { decodeJson } from '../attributes';
import { Span } from '../types';
import { isObject, Obj } from '../util';

export interface RetrievedDocument {
  id?: string;
  content: string;
  score?: number;
  metadata?: Record<string, unknown>;
}

const CONTENT_KEYS = ['page_content', 'content', 'text'];

function toDocument(o: unknown): RetrievedDocument | undefined {
  if (!isObject(o)) {
    return undefined;
  }
  const key = CONTENT_KEYS.find(k => typeof o[k] === 'string');
  if (!key) {
    return undefined;
  }
  const meta = isObject(o.metadata) ? o.metadata : undefined;
  const id = o.id ?? meta?.doc_uri ?? meta?.id;
  const score = typeof o.score === 'number' ? o.score : typeof meta?.score === 'number' ? meta.score : undefined;
  return {
    id: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
    content: o[key] as string,
    score,
    metadata: meta
  };
}

/** OpenInference `<prefix>.N.document.{id,content,score,metadata}` → documents, by index. */
function flattened(a: Obj, prefix: string): RetrievedDocument[] {
  const byIndex = new Map<number, Obj>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.document\\.(id|content|score|metadata)$`);
  for (const k in a) {
    const m = re.exec(k);
    if (m) {
      const i = Number(m[1]);
      const d = byIndex.get(i) ?? {};
      d[m[2]] = m[2] === 'metadata' ? decodeJson(a[k]) : a[k];
      byIndex.set(i, d);
    }
  }
  return [...byIndex.keys()]
    .sort((x, y) => x - y)
    .map(i => toDocument({ content: '', ...byIndex.get(i) }))
    .filter((d): d is RetrievedDocument => d !== undefined);
}

/** The documents a retriever/reranker span returned, or undefined. */
export function documentsOf(span: Span): RetrievedDocument[] | undefined {
  const a = span.attributes;
  for (const prefix of ['retrieval.documents', 'reranker.output_documents']) {
    const docs = flattened(a, prefix);
    if (docs.length > 0) {
      return docs;
    }
  }
  if (span.kind !== 'RETRIEVER' && span.kind !== 'RERANKER') {
    return undefined;
  }
  let out = span.outputs;
  if (isObject(out) && Array.isArray(out.documents)) {
    out = out.documents;
  }
  if (!Array.isArray(out) || out.length === 0) {
    return undefined;
  }
  const docs = out.map(toDocument);
  // Only a list made of documents is shown as one.
  return docs.every(d => d !== undefined) ? (docs as RetrievedDocument[]) : undefined;
}
