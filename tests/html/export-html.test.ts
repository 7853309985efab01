/**
 * The exported HTML page (HTML_TEMPLATE, fillTemplate): escaping, the template and
 * Python's copy of the rules (python/nbtrace/html.py gives the same bytes),
 * and the standalone viewer (src/standalone.ts) rendering the embedded data.
 */
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import {
  buildStandaloneHtml,
  CSP,
  escapeHtml,
  escapeJsonForScript,
  exportFileName,
  fillTemplate,
  HTML_TEMPLATE,
  payloadJson,
  PLACEHOLDERS,
  STANDALONE_BUNDLE,
  STANDALONE_TEMPLATE,
  standaloneBundleUrl
} from '../../src/html/page';
import { DARK_THEME, LIGHT_THEME } from '../../src/html/theme';
import { render } from '../../src/standalone';
import { otlpDoc } from '../helpers/synthetic';

const ROOT = path.resolve(__dirname, '..', '..');
const EVIL = '</script><script>alert(1)</script>';
const UNSAFE = /[<>&\u2028\u2029]/;

function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

function page(json: string, title = 't'): Document {
  return parseHtml(buildStandaloneHtml({ bundle: 'var bundle = 1;', json, title }));
}

describe('escapeJsonForScript', () => {
  it('keeps the value and leaves nothing that could end a script element', () => {
    const text = fc.string({ unit: 'binary' });
    const value = fc.jsonValue().chain(v => fc.tuple(fc.constant(v), text));
    fc.assert(
      fc.property(value, ([v, s]) => {
        const doc = { v, s, evil: `${s}${EVIL}<!--\u2028\u2029&` };
        const escaped = escapeJsonForScript(JSON.stringify(doc));
        expect(UNSAFE.test(escaped)).toBe(false);
        expect(JSON.parse(escaped)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
      { numRuns: 300 }
    );
  });

  it('writes lone surrogates as escapes and keeps pairs', () => {
    expect(escapeJsonForScript('"\ud800 \udc00 😀"')).toBe('"\\ud800 \\udc00 😀"');
  });
});

describe('the page', () => {
  it('holds the data as data: a </script> in a span name does not end the element', () => {
    const doc = otlpDoc([{ id: 'root', name: EVIL, start: 0, end: 10 }]);
    const html = buildStandaloneHtml({ bundle: 'var b;', json: JSON.stringify(doc), title: EVIL });
    expect(html).not.toContain(EVIL);
    const d = parseHtml(html);
    const scripts = Array.from(d.querySelectorAll('script'));
    expect(scripts.map(s => s.type)).toEqual(['application/json', '', '']);
    expect(JSON.parse(scripts[0].textContent!)).toEqual(doc);
    expect(scripts[1].textContent).toBe('var b;');
    expect(d.title).toBe(EVIL);
    expect(d.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')).toBe(CSP);
  });

  it('refers to nothing outside the file', () => {
    const html = buildStandaloneHtml({ bundle: '', json: '{}', title: 'x' });
    expect(html).not.toMatch(/https?:|\/\/|\b(src|href|action)\s*=|url\(|@import/i);
    expect(CSP).toBe("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:");
  });

  it('is filled in one pass, each placeholder once', () => {
    const t = '{{nbtrace:title}}|{{nbtrace:data}}|{{nbtrace:bundle}}';
    expect(fillTemplate(t, '{{nbtrace:title}}', '"{{nbtrace:bundle}}"', '{{nbtrace:data}} $& $1')).toBe(
      '{{nbtrace:data}} $&#38; $1|"{{nbtrace:bundle}}"|{{nbtrace:title}}'
    );
    expect(() => fillTemplate(`${t}{{nbtrace:title}}`, '', '1', 't')).toThrow(/exactly once/);
    expect(() => fillTemplate(t, 'x("</Script>")', '1', 't')).toThrow(/cannot be inlined/);
    expect(() => fillTemplate(t, 'x("<!--")', '1', 't')).toThrow(/cannot be inlined/);
    for (const p of Object.values(PLACEHOLDERS)) {
      expect(HTML_TEMPLATE.split(p)).toHaveLength(2);
    }
  });

  it('escapes the title', () => {
    expect(escapeHtml(`&<>"'x`)).toBe('&#38;&#60;&#62;&#34;&#39;x');
    expect(page('{}', '<b>"x"</b>').title).toBe('<b>"x"</b>');
  });

  it('embeds JSON compactly and other text (JSON Lines) as a string', () => {
    expect(payloadJson('{\n  "a": [1, 2]\n}')).toBe('{"a":[1,2]}');
    const lines = '{"a":1}\n{"a":2}\n';
    expect(payloadJson(lines)).toBe(JSON.stringify(lines));
    expect(JSON.parse(page(payloadJson(lines)).getElementById('nbtrace-data')!.textContent!)).toBe(lines);
  });

  it('names the download after the trace, safely', () => {
    expect(exportFileName('agent')).toBe('agent.html');
    expect(exportFileName('a/b\\c:d*?"<>|e\n')).toBe('a_b_c_d_e_.html');
    expect(exportFileName('  ..hidden ')).toBe('hidden.html');
    expect(exportFileName('')).toBe('trace.html');
    expect(exportFileName('x'.repeat(500))).toBe(`${'x'.repeat(120)}.html`);
    expect(standaloneBundleUrl('/user/me/')).toBe(`/user/me/lab/extensions/nbtrace/static/${STANDALONE_BUNDLE}`);
    expect(standaloneBundleUrl('http://h:1')).toBe(`http://h:1/lab/extensions/nbtrace/static/${STANDALONE_BUNDLE}`);
  });
});

describe('one template for TypeScript and Python', () => {
  const python = existsSync(path.join(ROOT, '.venv', 'bin', 'python')) ? path.join(ROOT, '.venv', 'bin', 'python') : 'python3';

  it('the built template file is HTML_TEMPLATE', () => {
    const file = path.join(ROOT, 'python', 'nbtrace', 'static', STANDALONE_TEMPLATE);
    expect(existsSync(file)).toBe(true); // built by `jlpm build:standalone` (part of build and build:prod)
    expect(readFileSync(file, 'utf-8')).toBe(HTML_TEMPLATE);
  });

  it('python/nbtrace/html.py fills it to the same bytes', () => {
    const cases = [
      { bundle: 'var a = "{{nbtrace:data}}";', json: JSON.stringify({ name: EVIL, s: 'a & b \u2028\u2029 é 😀 <!-- -->' }), title: `${EVIL} "q" 'a' & é` },
      { bundle: '', json: JSON.stringify('{"a":1}\n{"a":2}'), title: '{{nbtrace:bundle}}' }
    ];
    const code = [
      'import json, sys',
      'from nbtrace.html import fill_template',
      'cases = json.loads(sys.stdin.read())',
      'sys.stdout.write(json.dumps([fill_template(c["template"], c["bundle"], c["json"], c["title"]) for c in cases]))'
    ].join('\n');
    const result = spawnSync(python, ['-c', code], {
      input: JSON.stringify(cases.map(c => ({ ...c, template: HTML_TEMPLATE }))),
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
      encoding: 'utf-8'
    });
    expect(result.stderr).toBe('');
    const fromPython = JSON.parse(result.stdout) as string[];
    expect(fromPython).toEqual(cases.map(c => fillTemplate(HTML_TEMPLATE, c.bundle, c.json, c.title)));
  });
});

describe('standalone viewer', () => {
  afterEach(() => document.body.replaceChildren());

  it('has a light and a dark value for every --jp-* variable the styles use', () => {
    const styleDir = path.join(ROOT, 'style');
    const used = new Set<string>();
    for (const f of readdirSync(styleDir).filter(n => n.endsWith('.css'))) {
      for (const m of readFileSync(path.join(styleDir, f), 'utf-8').matchAll(/var\(\s*(--jp-[\w-]+)/g)) {
        used.add(m[1]);
      }
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = (theme: Record<string, string>): string[] => [...used].filter(v => !(v in theme));
    expect(missing(LIGHT_THEME)).toEqual([]);
    expect(missing(DARK_THEME)).toEqual([]);
    expect(Object.keys(DARK_THEME).sort()).toEqual(Object.keys(LIGHT_THEME).sort());
  });

  it('renders the data of a page: names as text, nothing executed', () => {
    const doc = otlpDoc([
      { id: 'root', name: EVIL, start: 0, end: 100, kind: 'AGENT' },
      { id: 'llm', parent: 'root', name: 'chat <b>x</b>', start: 10, end: 90, kind: 'LLM' }
    ]);
    const data = page(JSON.stringify(doc)).getElementById('nbtrace-data')!.textContent!;
    const host = document.createElement('div');
    document.body.appendChild(host);
    expect(window.nbtraceStandalone?.render).toBe(render);
    const views = window.nbtraceStandalone!.render(host, JSON.parse(data));
    expect(views).toHaveLength(1);
    const names = Array.from(host.querySelectorAll('[role="treeitem"] .nbtrace-name')).map(n => n.textContent);
    expect(names).toEqual([EVIL, 'chat <b>x</b>']);
    expect(host.querySelectorAll('script, b')).toHaveLength(0);
    expect(host.classList.contains('nbtrace-root')).toBe(true);
    expect(host.getAttribute('data-jp-theme-light')).toBe('true');
    expect(document.head.querySelector('style')!.textContent).toContain('prefers-color-scheme: dark');
  });

  it('shows why a payload cannot be read', () => {
    const host = document.createElement('div');
    document.body.appendChild(host);
    expect(render(host, { nothing: 'here' })).toEqual([]);
    expect(host.querySelector('[role="alert"]')!.textContent).toMatch(/\S/);
  });
});
