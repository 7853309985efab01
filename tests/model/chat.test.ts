/**
 * Chat turns from real payload shapes (the shared fixtures): OpenInference
 * flattened attributes, OTel GenAI messages, OpenAI and LangChain objects.
 * Expected values read by hand from the fixture files.
 */
import { chatOf, ChatMessage } from '../../src/model/chat';
import { Span } from '../../src/model/types';
import { fixture } from './helpers';

function span(attributes: Record<string, unknown>, inputs?: unknown, outputs?: unknown): Span {
  return { attributes, inputs, outputs } as unknown as Span;
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
