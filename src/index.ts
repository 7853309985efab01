export * from './model';
export { TraceRenderer, MIME_TYPE } from './renderer';
