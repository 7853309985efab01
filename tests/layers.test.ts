/**
 * The layout's rule, read off the sources with the TypeScript parser: imports
 * point one way along the data path, payload → model → rows → DOM views →
 * JupyterLab glue. Each folder of src/ may import only the folders below it;
 * only the top-level files (entry points and JupyterLab glue) import
 * @jupyterlab or @lumino; the pure layers (model, rows) use no DOM; the raw
 * payload readers (model/formats) are reached only through parsePayload; the
 * standalone page's entry pulls in no JupyterLab; and no file imports itself
 * through a cycle.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '..', 'src');

/** Folder (first path segment under src/; '' for top-level files) → the folders it may import. */
const ALLOWED: Record<string, readonly string[]> = {
  model: ['model'],
  rows: ['model', 'rows'],
  common: ['model', 'rows', 'common'],
  detail: ['model', 'rows', 'common', 'detail'],
  tools: ['model', 'rows', 'common', 'tools'],
  tree: ['model', 'rows', 'common', 'detail', 'tools', 'tree'],
  compare: ['model', 'rows', 'common', 'detail', 'tree', 'compare'],
  eval: ['model', 'rows', 'common', 'detail', 'tree', 'compare', 'eval'],
  list: ['model', 'rows', 'common', 'detail', 'tree', 'eval', 'list'],
  html: ['html'],
  '': ['model', 'rows', 'common', 'detail', 'tools', 'tree', 'compare', 'eval', 'list', 'html', '']
};
/** Leaf modules any layer may import (they import nothing of ours). */
const LEAVES = new Set(['settings.ts']);
/** Packages each folder may import ('*': any). */
const PACKAGES: Record<string, readonly string[]> = {
  rows: ['d3-scale'],
  '': ['*']
};
/** Globals that mean "this code touches the page". */
const DOM_GLOBALS = new Set([
  'document', 'window', 'navigator', 'HTMLElement', 'Element', 'DOMParser', 'requestAnimationFrame',
  'requestIdleCallback', 'cancelIdleCallback', 'IntersectionObserver', 'ResizeObserver', 'localStorage'
]);
const PURE = new Set(['model', 'rows']);

interface SourceInfo {
  /** Relative to src/, with '/'. */
  file: string;
  /** Our modules it imports (relative to src/), and the packages. */
  imports: string[];
  packages: string[];
  /** DOM globals it uses. */
  dom: string[];
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      sourceFiles(p, out);
    } else if (e.name.endsWith('.ts')) {
      out.push(p);
    }
  }
  return out;
}

function resolveImport(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, base, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return path.relative(SRC, candidate).split(path.sep).join('/');
    }
  }
  throw new Error(`${path.relative(SRC, from)}: cannot resolve '${spec}'`);
}

/** A free identifier: not a property name after a dot, nor a key in an object or type. */
function isFree(node: ts.Identifier): boolean {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === node) {
    return false;
  }
  if ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === node) {
    return false;
  }
  return !(ts.isQualifiedName(p) && p.right === node);
}

export function readSource(file: string, text = fs.readFileSync(file, 'utf-8')): SourceInfo {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true);
  const specs: string[] = [];
  const dom = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        specs.push(node.arguments[0].text);
      }
    } else if (ts.isIdentifier(node) && DOM_GLOBALS.has(node.text) && isFree(node)) {
      dom.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const ours = specs.filter(s => s.startsWith('.'));
  return {
    file: path.relative(SRC, file).split(path.sep).join('/'),
    imports: ours.map(s => resolveImport(file, s)),
    packages: specs.filter(s => !s.startsWith('.')),
    dom: [...dom]
  };
}

function folderOf(file: string): string {
  const i = file.indexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every rule broken by `sources`, as readable lines (empty: the layout holds). */
export function layerViolations(sources: readonly SourceInfo[]): string[] {
  const problems: string[] = [];
  for (const s of sources) {
    const folder = folderOf(s.file);
    const allowed = ALLOWED[folder];
    if (!allowed) {
      problems.push(`${s.file}: folder '${folder}' has no place in the layer table`);
      continue;
    }
    for (const target of s.imports) {
      if (target.endsWith('.json')) {
        continue; // data beside its reader
      }
      if (!LEAVES.has(target) && !allowed.includes(folderOf(target))) {
        problems.push(`${s.file} imports ${target}: '${folder || 'src'}' may not depend on '${folderOf(target) || 'src'}'`);
      }
      if (target.startsWith('model/formats/') && !s.file.startsWith('model/formats/') && s.file !== 'model/parse.ts') {
        problems.push(`${s.file} imports ${target}: the payload readers are reached only through parsePayload (model/parse.ts)`);
      }
    }
    if (LEAVES.has(s.file) && s.imports.length > 0) {
      problems.push(`${s.file} is a leaf but imports ${s.imports.join(', ')}`);
    }
    const packages = PACKAGES[folder] ?? [];
    for (const spec of s.packages) {
      if (!packages.includes('*') && !packages.includes(packageName(spec))) {
        problems.push(`${s.file} imports the package ${spec}: only ${packages.length ? packages.join(', ') : 'no package'} here (JupyterLab/Lumino only in the top-level glue)`);
      }
    }
    if (PURE.has(folder) && s.dom.length > 0) {
      problems.push(`${s.file} uses ${s.dom.join(', ')}: '${folder}' is pure (no DOM)`);
    }
  }
  problems.push(...cycles(sources).map(c => `import cycle: ${c.join(' → ')}`));
  return problems;
}

/** Import cycles (Tarjan's strongly connected components), each as a path that closes. */
export function cycles(sources: readonly SourceInfo[]): string[][] {
  const edges = new Map(sources.map(s => [s.file, s.imports.filter(t => !t.endsWith('.json'))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) {
        found.push(cyclePath(v, new Set(component), edges));
      }
    }
  };
  for (const v of edges.keys()) {
    if (!index.has(v)) {
      strong(v);
    }
  }
  return found;
}

/** A shortest import path from `start` back to itself inside one strongly connected `component`. */
function cyclePath(start: string, component: ReadonlySet<string>, edges: ReadonlyMap<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (w === start) {
        const back: string[] = []; // v, its BFS parent, ..., start
        for (let at: string | undefined = v; at !== undefined; at = at === start ? undefined : cameFrom.get(at)) {
          back.push(at);
        }
        return [...back.reverse(), start];
      }
      if (component.has(w) && !cameFrom.has(w) && w !== start) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Everything `entry` pulls in, itself included. */
function closure(sources: readonly SourceInfo[], entry: string): SourceInfo[] {
  const byFile = new Map(sources.map(s => [s.file, s]));
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (!seen.has(f) && byFile.has(f)) {
      seen.add(f);
      todo.push(...byFile.get(f)!.imports);
    }
  }
  return [...seen].map(f => byFile.get(f)!);
}

const sources = sourceFiles(SRC).map(f => readSource(f));

describe('the layout of src/', () => {
  it('every import points one way (model → rows → DOM views → glue), no cycle, no DOM in pure code', () => {
    expect(layerViolations(sources)).toEqual([]);
  });

  it('the standalone page pulls in no JupyterLab or Lumino', () => {
    const packages = closure(sources, 'standalone.ts').flatMap(s => s.packages.map(p => `${s.file}: ${p}`));
    expect(packages.filter(p => /@jupyterlab|@lumino/.test(p))).toEqual([]);
  });

  it('the table covers every folder, and the reader sees every file', () => {
    const folders = new Set(sources.map(s => folderOf(s.file)));
    expect([...folders].sort()).toEqual(Object.keys(ALLOWED).sort());
    expect(sources.length).toBeGreaterThan(60);
    expect(sources.find(s => s.file === 'tree/trace-view.ts')?.imports).toContain('tree/tree-pane.ts');
  });
});

describe('the layer check can fail', () => {
  const fake = (file: string, text: string): SourceInfo => readSource(path.join(SRC, file), text);

  it('a wrong-way import', () => {
    const row = fake('rows/x.ts', "import { TraceView } from '../tree/trace-view';");
    expect(layerViolations([row])).toEqual(["rows/x.ts imports tree/trace-view.ts: 'rows' may not depend on 'tree'"]);
  });

  it('JupyterLab below the glue, DOM in the model, a reader reached around parsePayload', () => {
    const problems = layerViolations([
      fake('common/x.ts', "import { Widget } from '@lumino/widgets';"),
      fake('model/x.ts', "import { detect } from './formats/detect';\nexport const n = document.body;"),
      fake('detail/x.ts', "import { detect } from '../model/formats/detect';")
    ]);
    expect(problems).toEqual([
      'common/x.ts imports the package @lumino/widgets: only no package here (JupyterLab/Lumino only in the top-level glue)',
      'model/x.ts imports model/formats/detect.ts: the payload readers are reached only through parsePayload (model/parse.ts)',
      "model/x.ts uses document: 'model' is pure (no DOM)",
      'detail/x.ts imports model/formats/detect.ts: the payload readers are reached only through parsePayload (model/parse.ts)'
    ]);
  });

  it('a cycle, shown as the path that closes it', () => {
    const info = (file: string, ...imports: string[]): SourceInfo => ({ file, imports, packages: [], dom: [] });
    expect(cycles([info('rows/a.ts', 'rows/b.ts'), info('rows/b.ts', 'rows/a.ts')])).toEqual([['rows/a.ts', 'rows/b.ts', 'rows/a.ts']]);
    const three = cycles([info('rows/a.ts', 'rows/b.ts'), info('rows/b.ts', 'rows/c.ts', 'rows/d.ts'), info('rows/c.ts', 'rows/a.ts'), info('rows/d.ts')]);
    expect(three).toHaveLength(1);
    expect(three[0]).toHaveLength(4);
    expect(new Set(three[0])).toEqual(new Set(['rows/a.ts', 'rows/b.ts', 'rows/c.ts']));
    expect(cycles([info('rows/self.ts', 'rows/self.ts')])).toEqual([['rows/self.ts', 'rows/self.ts']]);
  });

  it('property names and comments are not DOM use', () => {
    const s = fake('model/y.ts', "// document.body\nconst o = { document: 1 }; export const d = o.document; const t = 'window.x';");
    expect(s.dom).toEqual([]);
  });
});
