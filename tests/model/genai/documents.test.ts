/**
 * Retrieved documents from the shapes retrievers emit: OpenInference
 * attributes, MLflow/LangChain Document dicts, plain {id, score, text} items.
 */
import { documentsOf } from '../../../src/model/genai/documents';
import { Span } from '../../../src/model/types';

const span = (kind: string, attributes: Record<string, unknown>, outputs?: unknown) =>
  ({ kind, attributes, outputs } as unknown as Span);

describe('documentsOf', () => {
  it('reads OpenInference retrieval.documents.N.document.* attributes in index order', () => {
    const docs = documentsOf(
      span('RETRIEVER', {
        'retrieval.documents.1.document.id': 'b',
        'retrieval.documents.1.document.content': 'second',
        'retrieval.documents.0.document.id': 'a',
        'retrieval.documents.0.document.content': 'first',
        'retrieval.documents.0.document.score': 0.9,
        'retrieval.documents.0.document.metadata': '{"source": "wiki"}'
      })
    );
    expect(docs).toEqual([
      { id: 'a', content: 'first', score: 0.9, metadata: { source: 'wiki' } },
      { id: 'b', content: 'second', score: undefined, metadata: undefined }
    ]);
  });

  it('reads MLflow / LangChain Document dicts and plain scored items from the outputs', () => {
    expect(
      documentsOf(span('RETRIEVER', {}, [{ page_content: 'text', metadata: { doc_uri: 'https://x/doc', chunk_id: 3 }, id: null }]))
    ).toEqual([{ id: 'https://x/doc', content: 'text', score: undefined, metadata: { doc_uri: 'https://x/doc', chunk_id: 3 } }]);
    expect(documentsOf(span('RETRIEVER', {}, { documents: [{ id: 'k1', score: 0.5, text: 'kyoto' }] }))).toEqual([
      { id: 'k1', content: 'kyoto', score: 0.5, metadata: undefined }
    ]);
  });

  it('says nothing for other spans or outputs that are not all documents', () => {
    expect(documentsOf(span('TOOL', {}, [{ text: 'x' }]))).toBeUndefined();
    expect(documentsOf(span('RETRIEVER', {}, [{ text: 'x' }, 42]))).toBeUndefined();
    expect(documentsOf(span('RETRIEVER', {}, []))).toBeUndefined();
  });
});
