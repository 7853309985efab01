/**
 * Chat turns from real payload shapes (the shared fixtures): OpenInference
 * flattened attributes, OTel GenAI messages, OpenAI and LangChain objects.
 * Expected values read by hand from the fixture files.
 */
import { chatOf, ChatMessage } from '../../../src/model/genai/chat';
import { Span } from '../../../src/model/types';
import { fixture } from '../../helpers/fixtures';

function span(attributes: Record<string, unknown>, inputs?: unknown, outputs?: unknown, extra: Partial<Span> = {}): Span {
  return { kind: 'CHAT_MODEL', events: [], attributes, inputs, outputs, ...extra } as unknown as Span;
}

const brief = (ms: ChatMessage[]) =>
  ms.map(m => [m.role, m.text, m.toolCalls.map(c => [c.id, c.name, c.arguments]), m.toolCallId]);

const WEATHER_INPUT = [
  ['user', 'Weather in Paris?', [], undefined],
  ['assistant', 'Absolutely! Let me check the weather for you.', [['1234', 'get_weather', { location: 'Paris' }]], undefined],
  ['tool', 'rainy, 57°F', [], '1234']
];
const WEATHER_OUTPUT = [['assistant', 'The weather in Paris is currently rainy with a temperature of 57°F.', [], undefined]];

describe('chat turns', () => {
  it('rebuilds OpenInference flattened messages, tool calls and tool results', () => {
    const chat = chatOf(span(fixture('otel/openinference-llm-tool-calls.attributes.json')))!;
    expect(brief(chat.input)).toEqual(WEATHER_INPUT);
    expect(brief(chat.output)).toEqual(WEATHER_OUTPUT);
  });

  it('reads OTel GenAI gen_ai.input.messages / gen_ai.output.messages', () => {
    const chat = chatOf(span(fixture('otel/otel-genai-llm-tool-calls.attributes.json')))!;
    expect(brief(chat.input)).toEqual(WEATHER_INPUT);
    expect(brief(chat.output)).toEqual(WEATHER_OUTPUT);
  });

  it('reads an OpenAI chat completion request and response', () => {
    const f = fixture('mlflow/span-payloads__langchain-openai-llamaindex-chat__js-test-utils.json');
    const chat = chatOf(span({}, f.MOCK_OPENAI_CHAT_INPUT, f.MOCK_OPENAI_CHAT_OUTPUT))!;
    const joke = 'Why did the scarecrow win an award? Because he was outstanding in his field!';
    expect(brief(chat.input)).toEqual([
      ['user', 'tell me a joke in 50 words', [], undefined],
      ['assistant', '', [['1', 'tell_joke', { joke_length: 50 }]], undefined],
      ['tool', joke, [], '1']
    ]);
    expect(brief(chat.output)).toEqual([['assistant', joke, [], undefined]]);
  });

  it('reads LangChain batched message dicts and generations', () => {
    const f = fixture('mlflow/span-payloads__langchain-openai-llamaindex-chat__js-test-utils.json');
    const chat = chatOf(span({}, f.MOCK_LANGCHAIN_CHAT_INPUT, f.MOCK_LANGCHAIN_CHAT_OUTPUT))!;
    expect(brief(chat.input)).toEqual([
      ['user', "What's the weather in Singapore and New York?", [], undefined],
      ['assistant', '', [['1', 'get_weather', { city: 'Singapore' }]], undefined],
      ['assistant', '', [['2', 'get_weather', { city: 'New York' }]], undefined],
      ['tool', "It's hot in Singapore", [], '1']
    ]);
    expect(brief(chat.output)).toEqual([
      ['assistant', 'The weather in Singapore is hot, while in New York, it is cold.', [], undefined]
    ]);
  });

  it('reads Anthropic content blocks (text, tool_use, tool_result) and the system prompt', () => {
    const chat = chatOf(
      span(
        {},
        {
          system: 'Be brief.',
          messages: [
            { role: 'user', content: 'Weather?' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Oslo' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'snow' }] }
          ]
        },
        { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'It snows.' }] }
      )
    )!;
    expect(brief(chat.input)).toEqual([
      ['system', 'Be brief.', [], undefined],
      ['user', 'Weather?', [], undefined],
      ['assistant', '', [['t1', 'weather', { city: 'Oslo' }]], undefined],
      ['user', 'snow', [], 't1']
    ]);
    expect(brief(chat.output)).toEqual([['assistant', 'It snows.', [], undefined]]);
  });

  it('says nothing for spans without chat turns', () => {
    expect(chatOf(span({ 'tool.name': 'x' }, { query: 'q' }, 'answer'))).toBeUndefined();
    expect(chatOf(span({}, '<script>alert(1)</script>', null))).toBeUndefined();
  });
});

const full = (ms: ChatMessage[]) =>
  ms.map(m => ({ role: m.role, text: m.text, calls: m.toolCalls.map(c => [c.id, c.name, c.arguments]), ...(m.toolCallId ? { to: m.toolCallId } : {}), ...(m.thinking ? { thinking: m.thinking } : {}), ...(m.images ? { images: m.images } : {}), ...(m.finishReason ? { finish: m.finishReason } : {}) }));

describe('chat turns of more providers', () => {
  it('reads the OpenAI Responses API: instructions, input items, function calls and outputs, reasoning', () => {
    const chat = chatOf(
      span(
        {},
        {
          model: 'gpt-5',
          instructions: 'Be brief.',
          input: [
            { role: 'user', content: [{ type: 'input_text', text: 'Plot it' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
            { type: 'function_call', call_id: 'fc1', name: 'plot', arguments: '{"kind": "bar"}' },
            { type: 'function_call_output', call_id: 'fc1', output: 'ok' }
          ]
        },
        {
          object: 'response',
          output: [
            { type: 'reasoning', summary: [{ type: 'summary_text', text: 'The plot worked.' }] },
            { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Here it is.' }] }
          ]
        }
      )
    )!;
    expect(full(chat.input)).toEqual([
      { role: 'system', text: 'Be brief.', calls: [] },
      { role: 'user', text: 'Plot it', calls: [], images: [{ dataUrl: 'data:image/png;base64,AAAA' }] },
      { role: 'assistant', text: '', calls: [['fc1', 'plot', { kind: 'bar' }]] },
      { role: 'tool', text: 'ok', calls: [], to: 'fc1' }
    ]);
    expect(full(chat.output)).toEqual([
      { role: 'assistant', text: '', calls: [], thinking: 'The plot worked.' },
      { role: 'assistant', text: 'Here it is.', calls: [] }
    ]);
    // A bare string input is a user turn on an LLM span only.
    expect(full(chatOf(span({}, { input: 'hi' }, undefined))!.input)).toEqual([{ role: 'user', text: 'hi', calls: [] }]);
    expect(chatOf(span({}, { input: 'hi' }, undefined, { kind: 'TOOL' }))).toBeUndefined();
  });

  it('reads Anthropic thinking, base64 images and the stop reason', () => {
    const chat = chatOf(
      span(
        {},
        {
          system: [{ type: 'text', text: 'You see images.' }],
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/AA==' } },
                { type: 'image', source: { type: 'url', url: 'https://example.org/a.jpg' } },
                { type: 'text', text: 'What is it?' }
              ]
            }
          ]
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'thinking', thinking: 'Looks like a cat.' }, { type: 'redacted_thinking', data: 'xx' }, { type: 'text', text: 'A cat.' }],
          stop_reason: 'end_turn'
        }
      )
    )!;
    expect(full(chat.input)).toEqual([
      { role: 'system', text: 'You see images.', calls: [] },
      { role: 'user', text: 'What is it?', calls: [], images: [{ dataUrl: 'data:image/jpeg;base64,/9j/AA==' }, { ref: 'https://example.org/a.jpg' }] }
    ]);
    expect(full(chat.output)).toEqual([
      { role: 'assistant', text: 'A cat.', calls: [], thinking: 'Looks like a cat.\n(redacted thinking)', finish: 'end_turn' }
    ]);
  });

  it('reads Gemini contents, inline data, function calls and candidates', () => {
    const chat = chatOf(
      span(
        {},
        {
          system_instruction: { parts: [{ text: 'Be kind.' }] },
          contents: [{ role: 'user', parts: [{ text: 'Hi' }, { inline_data: { mime_type: 'image/webp', data: 'UklG' } }] }]
        },
        { candidates: [{ content: { role: 'model', parts: [{ text: 'Hello', thought: true }, { text: 'Hi!' }, { functionCall: { name: 'wave', args: { times: 2 } } }] }, finish_reason: 'STOP' }] }
      )
    )!;
    expect(full(chat.input)).toEqual([
      { role: 'system', text: 'Be kind.', calls: [] },
      { role: 'user', text: 'Hi', calls: [], images: [{ dataUrl: 'data:image/webp;base64,UklG' }] }
    ]);
    expect(full(chat.output)).toEqual([
      { role: 'assistant', text: 'Hi!', calls: [[undefined, 'wave', { times: 2 }]], thinking: 'Hello', finish: 'STOP' }
    ]);
  });

  it('joins streamed OpenAI chunks, tool call argument deltas included', () => {
    const chunks = [
      { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me ' } }] },
      { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'check.' } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c9', function: { name: 'get_', arguments: '{"ci' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'weather', arguments: 'ty": "Rome"}' } }] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }
    ];
    const chat = chatOf(span({}, { messages: [{ role: 'user', content: 'Rome?' }] }, chunks))!;
    expect(full(chat.output)).toEqual([
      { role: 'assistant', text: 'Let me check.', calls: [['c9', 'get_weather', { city: 'Rome' }]], finish: 'tool_calls' }
    ]);
  });

  it('reads older GenAI message events, OpenLLMetry flattened prompts and MLflow chat messages', () => {
    const events = [
      { name: 'gen_ai.system.message', attributes: { content: 'Be brief.' } },
      { name: 'gen_ai.user.message', attributes: { content: 'Hi' } },
      { name: 'gen_ai.tool.message', attributes: { content: '42', id: 'call_1' } },
      { name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: '{"role": "assistant", "content": "Hello"}' } }
    ];
    const fromEvents = chatOf(span({}, undefined, undefined, { events } as Partial<Span>))!;
    expect(full(fromEvents.input)).toEqual([
      { role: 'system', text: 'Be brief.', calls: [] },
      { role: 'user', text: 'Hi', calls: [] },
      { role: 'tool', text: '42', calls: [], to: 'call_1' }
    ]);
    expect(full(fromEvents.output)).toEqual([{ role: 'assistant', text: 'Hello', calls: [], finish: 'stop' }]);

    const openllmetry = chatOf(
      span({
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'Weather?',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.id': 't1',
        'gen_ai.completion.0.tool_calls.0.name': 'weather',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"city": "Oslo"}'
      })
    )!;
    expect(full(openllmetry.input)).toEqual([{ role: 'user', text: 'Weather?', calls: [] }]);
    expect(full(openllmetry.output)).toEqual([{ role: 'assistant', text: '', calls: [['t1', 'weather', { city: 'Oslo' }]], finish: 'tool_calls' }]);

    const mlflow = chatOf(
      span({ 'mlflow.chat.messages': [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] }, 'Q', 'A', { kind: 'CHAIN' })
    )!;
    expect(brief(mlflow.input)).toEqual([['user', 'Q', [], undefined]]);
    expect(brief(mlflow.output)).toEqual([['assistant', 'A', [], undefined]]);
  });

  it('shows only base64 data URLs of image types as images', () => {
    const image = (url: string) =>
      chatOf(span({}, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }))!.input[0].images![0];
    expect(image('data:image/gif;base64,R0lGOD==')).toEqual({ dataUrl: 'data:image/gif;base64,R0lGOD==' });
    expect(image('data:text/html;base64,PHNjcmlwdD4=').dataUrl).toBeUndefined();
    expect(image('data:image/png;base64,"><script>alert(1)</script>').dataUrl).toBeUndefined();
    expect(image('data:image/png,rawbytes').dataUrl).toBeUndefined();
    expect(image('javascript:alert(1)')).toEqual({ ref: 'javascript:alert(1)', mimeType: undefined });
  });
});

describe('hostile keys in chat payloads', () => {
  it('keeps "constructor" roles and "__proto__" fields as plain data', () => {
    const chat = chatOf(span({}, { messages: [{ role: 'constructor', content: 'hi' }] }))!;
    expect(chat.input[0].role).toBe('constructor');
    const flat = chatOf(span({ 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.__proto__': 'x', 'llm.input_messages.0.message.content': 'hey' }))!;
    expect(brief(flat.input)).toEqual([['user', 'hey', [], undefined]]);
  });
});
