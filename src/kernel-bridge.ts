/**
 * JupyterLab glue for actions that run code in the kernel of the notebook an
 * output sits in ("Add to dataset"). The plugin tells it how to find that
 * kernel (the main-area widget holding the output, and its session); the
 * renderers hand its functions to their views. The code sent is a call of a
 * public nbtrace function with its data as base64 JSON — no trace text is
 * ever put into code.
 */
import { DatasetRecord, DATASET_NAME } from './rows/dataset-record';

/** What this needs of a kernel connection (Kernel.IKernelConnection, structurally). */
export interface KernelLike {
  requestExecute(content: { code: string; silent?: boolean; store_history?: boolean; stop_on_error?: boolean }): {
    onIOPub: (msg: { header: { msg_type: string }; content: Record<string, unknown> }) => void;
    done: Promise<{ content: { status: string; ename?: string; evalue?: string } }>;
  };
}

let finder: ((node: HTMLElement) => KernelLike | null) | null = null;

/** How to find the kernel behind a node (set by the application plugin). */
export function setKernelFinder(fn: (node: HTMLElement) => KernelLike | null): void {
  finder = fn;
}

/** UTF-8 bytes of `text` as base64. */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The Python the kernel runs for "Add to dataset". */
export function addToDatasetCode(record: DatasetRecord, name: string): string {
  if (!DATASET_NAME.test(name)) {
    throw new Error(`Not a dataset name: ${name}`);
  }
  return `import nbtrace as _nbtrace\n_nbtrace.add_to_dataset(${JSON.stringify(name)}, ${JSON.stringify(base64Utf8(JSON.stringify(record)))})`;
}

/** Put `record` into the dataset `name` of the kernel behind `node`; resolves with what the kernel printed. */
export async function addToDataset(node: HTMLElement, record: DatasetRecord, name: string): Promise<string> {
  const kernel = finder?.(node) ?? null;
  if (!kernel) {
    throw new Error('No kernel is attached here: open the notebook that made this trace (with a running kernel) and add it from there.');
  }
  const future = kernel.requestExecute({ code: addToDatasetCode(record, name), silent: false, store_history: false, stop_on_error: false });
  const said: string[] = [];
  future.onIOPub = msg => {
    const c = msg.content;
    if (msg.header.msg_type === 'stream' && typeof c.text === 'string') {
      said.push(c.text);
    } else if (msg.header.msg_type === 'error') {
      said.push(`${String(c.ename)}: ${String(c.evalue)}`);
    }
  };
  const reply = await future.done;
  const text = said.join('').trim();
  if (reply.content.status !== 'ok') {
    throw new Error(text || `The kernel could not add it (${reply.content.ename ?? 'error'}: ${reply.content.evalue ?? ''}). Is nbtrace installed there?`);
  }
  return text.replace(/^nbtrace: /, '') || `Added to dataset ${name}.`;
}
