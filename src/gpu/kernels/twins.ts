import { AggregatorTwin } from './aggregator/aggregator.reference.ts';
import { FraudTwin } from './fraud/fraud.reference.ts';
import { GenericTwin } from './generic/generic.reference.ts';
import { PatternTwin } from './pattern/pattern.reference.ts';
import type { KernelBehavior, KernelTwin } from './types.ts';

/** A fresh CPU reference twin for a kernel behaviour. */
export function createTwin(behavior: KernelBehavior): KernelTwin {
  switch (behavior) {
    case 'fraud':
      return new FraudTwin();
    case 'aggregator':
      return new AggregatorTwin();
    case 'pattern':
      return new PatternTwin();
    case 'generic':
      return new GenericTwin();
  }
}
