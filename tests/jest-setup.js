// jsdom has no DragEvent; @lumino/dragdrop subclasses it at import time.
if (typeof globalThis.DragEvent === 'undefined') {
  globalThis.DragEvent = class DragEvent extends MouseEvent {};
}
// jsdom has no TextEncoder (browsers do): the kernel bridge encodes with it.
if (typeof globalThis.TextEncoder === 'undefined') {
  globalThis.TextEncoder = require('util').TextEncoder;
}
