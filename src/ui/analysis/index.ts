/** The analysis panels and the hooks the app shell wires in (see src/analysis/CONTEXT.md). */
export { TracePanel } from './TracePanel';
export { WhatIfPanel } from './WhatIfPanel';
export { PredictPanel } from './PredictPanel';
export { RecordPanel } from './RecordPanel';
export {
  openTrace,
  useOpenTrace,
  useTraceHighlight,
  useTraceState,
  TRACE_TAB,
} from './traceHighlight';
export { usePrediction, usePredictions, type KernelBadge } from './predictions';
