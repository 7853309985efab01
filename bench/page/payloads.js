/**
 * Deterministic payloads: seeded helpers, the abstract span tree, OTLP/JSON of it, and the
 * running MLflow v3 trace with its live snapshots.
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
  const NBTRACE = 'application/vnd.nbtrace.trace+json';
  const JSON_MIME = 'application/json';
  const BASE_MS = Date.UTC(2025, 0, 1, 9, 0, 0);
  const BASE_NS = BigInt(BASE_MS) * 1000000n;

  // ---------------------------------------------------------------- helpers
  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function hexId(rng, bytes) {
    let s = '';
    for (let i = 0; i < bytes; i++) {
      s += Math.floor(rng() * 256)
        .toString(16)
        .padStart(2, '0');
    }
    return s;
  }

  function hexToB64(hex) {
    let bin = '';
    for (let i = 0; i < hex.length; i += 2) {
      bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
    }
    return btoa(bin);
  }

  const WORDS = (
    'the agent reads the user question then plans a few steps calls tools retrieves documents ' +
    'from the vector store asks the model to draft an answer checks citations and returns a summary ' +
    'weather paris invoice customer order refund shipping status latency token budget retry cache'
  ).split(' ');

  function text(rng, chars) {
    const out = [];
    let n = 0;
    while (n < chars) {
      const w = WORDS[Math.floor(rng() * WORDS.length)];
      out.push(w);
      n += w.length + 1;
    }
    return out.join(' ').slice(0, chars);
  }

  /**
   * A live update as the page receives it: JupyterLab JSON.parses each
   * update_display_data message, so every update is a fresh JSON.parse object
   * graph (structuredClone makes objects V8 lays out differently).
   */
  const fromWire = p => JSON.parse(JSON.stringify(p));
  const nextFrame = () =>
    new Promise(resolve =>
      requestAnimationFrame(() => {
        // A task posted from rAF runs after that frame's style, layout and paint.
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve();
        ch.port2.postMessage(0);
      })
    );
  const twoFrames = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

  function fullGc() {
    if (typeof gc === 'function') {
      gc();
      gc();
    }
  }

  function heapUsed() {
    return performance.memory ? performance.memory.usedJSHeapSize : NaN;
  }

  /**
   * GC until the heap stops shrinking: a renderer disposed just before (React's
   * unmount in particular) may let go of its data a task or a frame later.
   */
  async function settledHeap() {
    let last = Infinity;
    for (let i = 0; i < 4; i++) {
      await nextFrame();
      await new Promise(r => setTimeout(r, 10));
      if (typeof gc === 'function') {
        gc();
      }
      const h = heapUsed();
      if (Math.abs(last - h) < 256 * 1024) {
        return h;
      }
      last = h;
    }
    return last;
  }

  // ------------------------------------------------------ abstract span tree
  /**
   * A realistic, bushy agent-ish tree of exactly `n` spans, depth-first:
   * every container has 3..10 children and the span budget is split unevenly
   * among them, so the tree is ~log8(n) deep with wide and narrow branches.
   * Children run one after another inside their parent's time range.
   */
  function genTree(n, seed) {
    const rng = mulberry32(seed);
    const spans = [];
    const TOOLS = ['search', 'weather', 'calculator', 'sql', 'browser', 'python'];
    const LEAVES = [
      ['llm', 0.4],
      ['tool', 0.25],
      ['retriever', 0.15],
      ['http', 0.1],
      ['embedding', 0.1]
    ];
    function leafRole() {
      let x = rng();
      for (const [role, p] of LEAVES) {
        if ((x -= p) < 0) {
          return role;
        }
      }
      return 'llm';
    }
    // Explicit stack: [budget, depth, parent index, start ms, duration ms, ordinal among siblings]
    const stack = [[n, 0, -1, 0, Math.max(1000, n * 2), 0]];
    while (stack.length) {
      const [budget, depth, parent, start, dur, ord] = stack.pop();
      const idx = spans.length;
      let role;
      if (depth === 0) {
        role = 'agent';
      } else if (budget === 1) {
        role = leafRole();
      } else {
        const x = rng();
        role = x < 0.45 ? 'step' : x < 0.7 ? 'chain' : x < 0.9 ? 'tool' : 'subagent';
      }
      const tool = TOOLS[Math.floor(rng() * TOOLS.length)];
      const names = {
        agent: 'agent',
        step: `step ${ord + 1}`,
        chain: 'plan_and_answer',
        subagent: 'research_agent',
        tool: `tool.${tool}`,
        llm: 'llm.chat',
        retriever: 'retrieve',
        http: 'http GET',
        embedding: 'embed'
      };
      const error = budget === 1 && rng() < 0.01;
      spans.push({ idx, parent, depth, role, tool, name: names[role], start, end: start + dur, error, rnd: rng() });
      if (budget > 1) {
        const rest = budget - 1;
        const c = Math.min(rest, 3 + Math.floor(rng() * 8));
        const w = [];
        let wsum = 0;
        for (let i = 0; i < c; i++) {
          const x = rng();
          w.push(x * x * x + 0.02);
          wsum += w[i];
        }
        const sizes = w.map(x => 1 + Math.floor(((rest - c) * x) / wsum));
        let left = rest - sizes.reduce((a, b) => a + b, 0);
        for (let i = 0; left > 0; i = (i + 1) % c, left--) {
          sizes[i]++;
        }
        // Children share the parent's time proportionally to their size, with small gaps.
        const total = sizes.reduce((a, b) => a + b, 0);
        let t = start + dur * 0.01;
        const usable = dur * 0.97;
        const slots = [];
        for (let i = 0; i < c; i++) {
          const d = (usable * sizes[i]) / total;
          slots.push([sizes[i], depth + 1, idx, t, d * 0.95, i]);
          t += d;
        }
        for (let i = c - 1; i >= 0; i--) {
          stack.push(slots[i]);
        }
      }
    }
    return spans;
  }

  // ------------------------------------------------------------------ OTLP
  function otlpAttributes(s, rng, bigAttrChars) {
    const str = (key, v) => ({ key, value: { stringValue: v } });
    const int = (key, v) => ({ key, value: { intValue: String(v) } });
    const a = [];
    switch (s.role) {
      case 'llm':
        a.push(str('gen_ai.system', 'openai'), str('gen_ai.operation.name', 'chat'));
        a.push(str('gen_ai.request.model', 'gpt-4o-mini'));
        a.push(int('gen_ai.usage.input_tokens', 200 + Math.floor(s.rnd * 1800)));
        a.push(int('gen_ai.usage.output_tokens', 20 + Math.floor(s.rnd * 400)));
        break;
      case 'embedding':
        a.push(str('gen_ai.operation.name', 'embeddings'), str('gen_ai.request.model', 'text-embedding-3-small'));
        a.push(int('gen_ai.usage.input_tokens', 10 + Math.floor(s.rnd * 200)));
        break;
      case 'tool':
        a.push(str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', s.tool));
        a.push(str('input.value', `{"query": "${text(rng, 40)}"}`));
        break;
      case 'retriever':
        a.push(str('openinference.span.kind', 'RETRIEVER'), str('input.value', text(rng, 48)));
        a.push(int('retrieval.documents.count', 1 + Math.floor(s.rnd * 8)));
        break;
      case 'http':
        a.push(str('http.request.method', 'GET'), str('url.full', `https://api.example.com/v1/items/${s.idx}`));
        a.push(int('http.response.status_code', s.error ? 503 : 200));
        break;
      default:
        a.push(str('openinference.span.kind', s.role === 'tool' ? 'TOOL' : s.depth === 0 ? 'AGENT' : 'CHAIN'));
        a.push(str('input.value', text(rng, 48)));
        a.push(str('session.id', 'sess-42'));
    }
    if (bigAttrChars) {
      a.push(str('output.value', text(rng, bigAttrChars)));
    }
    return a;
  }

  /** OTLP/JSON document of `n` spans (one trace); `bigAttrChars` adds one string attribute of that size per span. */
  function otlp(n, { seed = 1, bigAttrChars = 0 } = {}) {
    const tree = genTree(n, seed);
    const rng = mulberry32(seed + 1000);
    const traceId = hexId(rng, 16);
    const ids = tree.map(() => hexId(rng, 8));
    const ns = ms => (BASE_NS + BigInt(Math.round(ms * 1e6))).toString();
    const spans = tree.map(s => ({
      traceId,
      spanId: ids[s.idx],
      parentSpanId: s.parent < 0 ? '' : ids[s.parent],
      name: s.name,
      kind: s.role === 'llm' || s.role === 'http' || s.role === 'embedding' ? 3 : 1,
      startTimeUnixNano: ns(s.start),
      endTimeUnixNano: ns(s.end),
      attributes: otlpAttributes(s, rng, bigAttrChars),
      status: s.error ? { code: 2, message: 'upstream timeout' } : { code: 1 }
    }));
    return {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'bench-agent' } },
              { key: 'telemetry.sdk.language', value: { stringValue: 'python' } }
            ]
          },
          scopeSpans: [{ scope: { name: 'nbtrace-bench', version: '0.1' }, spans }]
        }
      ]
    };
  }

  // ------------------------------------------------------- MLflow v3 (live)
  /**
   * A running MLflow v3 trace, as nbtrace's Python side emits it while a cell
   * runs (see python/nbtrace/_export.py): snapshot 0 has `n` spans of which
   * ~20 are running (root, current step, a parallel group and 17 parallel tool
   * calls); snapshot j (1..updates) has one more span and 1-2 more ended.
   * Returns `updates + 1` independent payload objects (as JSON.parse makes them).
   */
  function mlflowLive(n = 1000, updates = 30, seed = 7) {
    const done = genTree(n - 19, seed); // completed part, rooted at "agent"
    const rng = mulberry32(seed + 99);
    const D = done[0].end;
    const spans = done.map(s => ({ ...s }));
    spans[0].end = null; // the root is still running
    const add = s => {
      s.idx = spans.length;
      spans.push(s);
      return s;
    };
    const step = add({ parent: 0, depth: 1, role: 'step', name: 'step (current)', start: D + 10, end: null, rnd: 0.5 });
    const group = add({ parent: step.idx, depth: 2, role: 'chain', name: 'parallel_tools', start: D + 15, end: null, rnd: 0.5 });
    const running = [];
    for (let i = 0; i < 17; i++) {
      running.push(add({ parent: group.idx, depth: 3, role: 'tool', tool: 'search', name: `tool.search #${i + 1}`, start: D + 20 + i * 5, end: null, rnd: rng() }));
    }
    // The update schedule: at update j a new llm.chat starts under a running tool, and
    // the oldest running span(s) end (2 on every third update).
    const events = [];
    const queue = running.slice();
    for (let j = 1; j <= updates; j++) {
      const now = D + 500 + j * 100;
      const host = queue.length ? queue[j % queue.length] : group;
      const child = { parent: host.idx, depth: host.depth + 1, role: 'llm', name: 'llm.chat', start: now - 40, end: null, rnd: rng() };
      const ends = [];
      for (let k = 0; k < (j % 3 === 0 ? 2 : 1) && queue.length > 1; k++) {
        ends.push(queue.shift());
      }
      queue.push(child);
      events.push({ now, child, ends });
    }
    const rngIds = mulberry32(seed + 5);
    const traceHex = hexId(rngIds, 16);
    const traceB64 = hexToB64(traceHex);
    const requestId = `tr-${traceHex}`;
    const allSpans = spans.concat(events.map(e => e.child));
    const idOf = new Map(allSpans.map(s => [s, hexToB64(hexId(rngIds, 8))]));
    const byIdx = new Map(spans.map(s => [s.idx, s]));
    events.forEach((e, i) => {
      e.child.idx = spans.length + i;
      byIdx.set(e.child.idx, e.child);
    });
    const enc = v => JSON.stringify(v);
    const SPAN_TYPE = { agent: 'AGENT', step: 'CHAIN', chain: 'CHAIN', subagent: 'AGENT', tool: 'TOOL', llm: 'CHAT_MODEL', retriever: 'RETRIEVER', http: 'UNKNOWN', embedding: 'EMBEDDING' };
    const toDict = (s, endOverride) => {
      const end = endOverride !== undefined ? endOverride : s.end;
      const attributes = {
        'mlflow.traceRequestId': enc(requestId),
        'mlflow.spanType': enc(SPAN_TYPE[s.role] || 'UNKNOWN'),
        'mlflow.spanInputs': enc({ query: `question ${s.idx}`, k: 3 })
      };
      if (end !== null) {
        attributes['mlflow.spanOutputs'] = enc({ answer: `result ${s.idx}` });
      }
      if (s.role === 'llm' && end !== null) {
        attributes['mlflow.chat.tokenUsage'] = enc({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
      }
      return {
        trace_id: traceB64,
        span_id: idOf.get(s),
        trace_state: '',
        parent_span_id: s.parent < 0 ? null : idOf.get(byIdx.get(s.parent)),
        name: s.name,
        start_time_unix_nano: (BASE_MS + s.start) * 1e6,
        end_time_unix_nano: end === null ? null : (BASE_MS + end) * 1e6,
        attributes,
        status: { code: s.error ? 'STATUS_CODE_ERROR' : end === null ? 'STATUS_CODE_UNSET' : 'STATUS_CODE_OK', message: '' },
        events: []
      };
    };
    const payloads = [];
    for (let j = 0; j <= updates; j++) {
      const now = j === 0 ? D + 500 : events[j - 1].now;
      const endAt = new Map();
      const present = spans.slice();
      for (let k = 0; k < j; k++) {
        const e = events[k];
        present.push(e.child);
        for (const s of e.ends) {
          endAt.set(s, e.now - 5);
        }
      }
      const dicts = present.map(s => toDict(s, endAt.has(s) ? endAt.get(s) : undefined));
      const payload = {
        info: {
          trace_id: requestId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
          request_time: new Date(BASE_MS).toISOString(),
          execution_duration_ms: Math.round(now),
          state: 'IN_PROGRESS',
          trace_metadata: {
            'mlflow.trace_schema.version': '3',
            'mlflow.traceInputs': enc({ question: 'bench' }),
            'mlflow.traceOutputs': 'null',
            'nbtrace.version': 'bench'
          },
          tags: { 'mlflow.traceName': 'agent' }
        },
        data: { spans: dicts }
      };
      // An independent object graph, as each update_display_data message gives.
      payloads.push(JSON.parse(JSON.stringify(payload)));
    }
    const running0 = payloads[0].data.spans.filter(s => s.end_time_unix_nano === null).length;
    const runningLast = payloads[updates].data.spans.filter(s => s.end_time_unix_nano === null).length;
    return { payloads, running0, runningLast, spans0: payloads[0].data.spans.length };
  }
