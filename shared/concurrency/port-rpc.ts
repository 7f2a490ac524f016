// Request and reply over a message port (a worker thread's parentPort, a Worker, or one end of
// a MessageChannel): each side serves its own handlers and calls the other's. Used between
// `tng serve`'s API thread and its background thread (bin/runtime/background-thread.ts).
// Values cross by structured clone; a handler's failure comes back as a RemoteCallFailed
// carrying the original error's name and message (the error object itself cannot cross).
// Calls still waiting when the port closes fail, so no caller waits forever. A `notify` is a
// call without a reply: the caller does not wait for the other side's event loop, and since
// a port delivers in order, a later call still sees its effect.

/** What the two ends of a channel have in common (worker_threads' ports and Worker). */
export type RpcPort = {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
};

export type RpcHandlers = Readonly<Record<string, (...args: never[]) => unknown>>;

export class RemoteCallFailed extends Error {
  override readonly name = 'RemoteCallFailed';
  constructor(
    readonly method: string,
    /** The name of the error the remote handler threw (e.g. InfraError). */
    readonly remoteName: string,
    message: string,
  ) {
    super(message);
  }
}

type CallMessage = { rpc: 'call'; id: number; method: string; args: unknown[] };
type NotifyMessage = { rpc: 'notify'; method: string; args: unknown[] };
type ReplyMessage =
  | { rpc: 'reply'; id: number; ok: true; value: unknown }
  | { rpc: 'reply'; id: number; ok: false; name: string; message: string };

export type PortRpc = Readonly<{
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Sends without waiting for a reply; a failure goes to the other side's `onNotifyError`. */
  notify(method: string, ...args: unknown[]): void;
  /** Stops listening and fails the calls still waiting. */
  close(reason?: string): void;
}>;

export type PortRpcOptions = Readonly<{
  /** What to do with a failed notify's error (there is no caller to reject). */
  onNotifyError?: (method: string, error: unknown) => void;
}>;

export function portRpc(
  port: RpcPort,
  handlers: RpcHandlers = {},
  options: PortRpcOptions = {},
): PortRpc {
  let nextId = 0;
  let closed: string | null = null;
  const waiting = new Map<number, { method: string; settle: (reply: ReplyMessage) => void }>();
  const onMessage = (message: unknown) => {
    if (isCall(message)) void answer(port, handlers, message);
    else if (isNotify(message)) {
      void run(handlers, message.method, message.args)
        .catch((error: unknown) => options.onNotifyError?.(message.method, error));
    }
    else if (isReply(message)) {
      const caller = waiting.get(message.id);
      waiting.delete(message.id);
      caller?.settle(message);
    }
  };
  port.on('message', onMessage);
  return {
    call: <T>(method: string, ...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        if (closed !== null) {
          reject(new RemoteCallFailed(method, 'Closed', closed));
          return;
        }
        const id = (nextId += 1);
        waiting.set(id, {
          method,
          settle: (reply) =>
            reply.ok
              ? resolve(reply.value as T)
              : reject(new RemoteCallFailed(method, reply.name, reply.message)),
        });
        port.postMessage({ rpc: 'call', id, method, args } satisfies CallMessage);
      }),
    notify: (method: string, ...args: unknown[]) => {
      if (closed === null) port.postMessage({ rpc: 'notify', method, args } satisfies NotifyMessage);
    },
    close: (reason = 'the other side is gone') => {
      if (closed !== null) return;
      closed = reason;
      port.off('message', onMessage);
      for (const [id, caller] of waiting) {
        caller.settle({ rpc: 'reply', id, ok: false, name: 'Closed', message: reason });
      }
      waiting.clear();
    },
  };
}

async function run(handlers: RpcHandlers, method: string, args: unknown[]): Promise<unknown> {
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (!handler) throw new Error(`no handler for ${method}`);
  return (handler as (...values: unknown[]) => unknown)(...args);
}

async function answer(port: RpcPort, handlers: RpcHandlers, message: CallMessage): Promise<void> {
  try {
    const value = await run(handlers, message.method, message.args);
    port.postMessage({ rpc: 'reply', id: message.id, ok: true, value } satisfies ReplyMessage);
  } catch (error) {
    const { name, message: text } = error instanceof Error ? error : new Error(String(error));
    port.postMessage({
      rpc: 'reply', id: message.id, ok: false, name, message: text,
    } satisfies ReplyMessage);
  }
}

const isCall = (value: unknown): value is CallMessage =>
  typeof value === 'object' && value !== null && (value as { rpc?: unknown }).rpc === 'call';

const isNotify = (value: unknown): value is NotifyMessage =>
  typeof value === 'object' && value !== null && (value as { rpc?: unknown }).rpc === 'notify';

const isReply = (value: unknown): value is ReplyMessage =>
  typeof value === 'object' && value !== null && (value as { rpc?: unknown }).rpc === 'reply';
