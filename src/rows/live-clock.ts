/**
 * "Now" for a trace that is still running, and a light ticker that advances
 * it. Spans without an end are drawn up to now; the axis grows with it.
 *
 * Now is anchored on the payload, not on the browser's wall clock (the kernel
 * may run on another machine): the elapsed time the payload reports (MLflow's
 * execution duration, written at emission), or its latest span time, plus the
 * time since the payload arrived here.
 */
import { Trace } from '../model/types';

/** At most 4 updates a second: smooth enough for bars, cheap for the page. */
export const TICK_MS = 250;

export class LiveClock {
  constructor(private _onTick: () => void) {}

  /** Whether the trace is still running (IN_PROGRESS). */
  get running(): boolean {
    return this._running;
  }

  /** A payload arrived: re-anchor now on it. */
  reset(trace: Trace, arrivedAt = performance.now()): void {
    this._running = trace.state === 'IN_PROGRESS';
    // A finished trace ends at its last span; the reported duration may include overhead.
    const reported = this._running ? Number(trace.metadata['info.execution_duration_ms']) : NaN;
    this._anchor = Math.max(trace.duration, Number.isFinite(reported) ? reported : 0);
    this._arrivedAt = arrivedAt;
    this._sync();
  }

  /** ms from trace start: the anchor plus the time since the payload arrived while running. */
  now(at = performance.now()): number {
    return this._running ? this._anchor + Math.max(0, at - this._arrivedAt) : this._anchor;
  }

  /** Tick only while the view can be seen (the owner reports visibility). */
  setVisible(visible: boolean): void {
    this._visible = visible;
    this._sync();
  }

  get ticking(): boolean {
    return this._timer !== null;
  }

  dispose(): void {
    this._running = false;
    this._sync();
  }

  private _sync(): void {
    const want = this._running && this._visible;
    if (want && this._timer === null) {
      this._timer = setInterval(() => this._onTick(), TICK_MS);
    } else if (!want && this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  private _running = false;
  private _visible = true;
  private _anchor = 0;
  private _arrivedAt = 0;
  private _timer: ReturnType<typeof setInterval> | null = null;
}
