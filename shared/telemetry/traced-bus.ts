// The bus with spans (docs/operations.md, "Traces"): a decorator the composition root puts
// around the broker's adapter, so adapters stay free of telemetry. Each message keeps the
// `traceparent` header of the event it came from; a publish is one span linked to those
// traces (with a span in each, trace-batch.ts), and each delivery runs in a receive span in
// the trace its header names, so the consumer's saga step and e-mails join the request's
// trace. Put on only when tracing is on.
import type { Bus, BusHandler, BusMessage } from '../ports/bus.port';
import { traceBatch, type TracedItem } from './trace-batch';
import { inSpan, SpanKind } from './tracing';

const tracedMessage = (message: BusMessage): TracedItem =>
  ({ traceparent: message.headers['traceparent'], type: message.type });

/** `bus` with publish and receive spans; `system` names the broker (`kafka`). */
export function tracedBus(bus: Bus, system: string): Bus {
  const publishSpan = {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': system, 'messaging.operation.name': 'send' },
  };
  return {
    publish: (messages) =>
      traceBatch(`${system} publish`, messages, tracedMessage, publishSpan, () => bus.publish(messages)),
    subscribe: (group, topics, handler: BusHandler) =>
      bus.subscribe(group, topics, (message) =>
        inSpan(`${system} receive ${message.topic}`, () => handler(message), {
          kind: SpanKind.CONSUMER,
          parent: message.headers['traceparent'],
          attributes: {
            'messaging.system': system,
            'messaging.destination.name': message.topic,
            'messaging.consumer.group.name': group,
          },
        })),
    close: () => bus.close(),
  };
}
