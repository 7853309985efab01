/**
 * How each span kind is shown: a short badge text and a colour family
 * (the CSS maps families to --jp-* theme colours, so both themes work).
 */

export type KindFamily = 'llm' | 'agent' | 'chain' | 'tool' | 'retrieval' | 'util' | 'io' | 'other';

interface KindLook {
  badge: string;
  family: KindFamily;
  label: string;
}

const LOOKS: Record<string, KindLook> = {
  LLM: { badge: 'LLM', family: 'llm', label: 'LLM' },
  CHAT_MODEL: { badge: 'CHAT', family: 'llm', label: 'Chat model' },
  EMBEDDING: { badge: 'EMB', family: 'retrieval', label: 'Embedding' },
  AGENT: { badge: 'AGT', family: 'agent', label: 'Agent' },
  CHAIN: { badge: 'CHN', family: 'chain', label: 'Chain' },
  WORKFLOW: { badge: 'WF', family: 'chain', label: 'Workflow' },
  TASK: { badge: 'TSK', family: 'chain', label: 'Task' },
  TOOL: { badge: 'TOOL', family: 'tool', label: 'Tool' },
  RETRIEVER: { badge: 'RET', family: 'retrieval', label: 'Retriever' },
  RERANKER: { badge: 'RRK', family: 'retrieval', label: 'Reranker' },
  MEMORY: { badge: 'MEM', family: 'retrieval', label: 'Memory' },
  PARSER: { badge: 'PRS', family: 'util', label: 'Parser' },
  PROMPT: { badge: 'PRM', family: 'util', label: 'Prompt' },
  GUARDRAIL: { badge: 'GRD', family: 'util', label: 'Guardrail' },
  EVALUATOR: { badge: 'EVAL', family: 'util', label: 'Evaluator' },
  HTTP: { badge: 'HTTP', family: 'io', label: 'HTTP' },
  DB: { badge: 'DB', family: 'io', label: 'Database' },
  RPC: { badge: 'RPC', family: 'io', label: 'RPC' },
  MESSAGING: { badge: 'MSG', family: 'io', label: 'Messaging' },
  UNKNOWN: { badge: '', family: 'other', label: 'Span' }
};

export function kindLook(kind: string): KindLook {
  const look = LOOKS[kind];
  if (look) {
    return look;
  }
  // Custom kinds: first letters, upper case, at most 4 characters.
  const badge = kind.replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase() || '·';
  return { badge, family: 'other', label: kind };
}
