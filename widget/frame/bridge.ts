/**
 * The frame's side of the postMessage channel: posts only to the parent origin given in the
 * frame URL, accepts only messages from `window.parent` at that exact origin that parse as a
 * HostMessage.
 */
import { envelopeOf, hostMessageSchema, type FrameMessageBody, type HostMessage } from '../../contract/messages.ts';

export interface Bridge {
  post(body: FrameMessageBody): void;
  /** Calls `handler` for each valid host message; returns a function that stops listening. */
  listen(handler: (message: HostMessage) => void): () => void;
}

export function createBridge(parentOrigin: string, parent: Window = window.parent): Bridge {
  return {
    post(body) {
      parent.postMessage(envelopeOf(body), parentOrigin);
    },
    listen(handler) {
      const onMessage = (event: MessageEvent) => {
        if (event.origin !== parentOrigin || event.source !== parent) return;
        const parsed = hostMessageSchema.safeParse(event.data);
        if (parsed.success) handler(parsed.data);
      };
      window.addEventListener('message', onMessage);
      return () => window.removeEventListener('message', onMessage);
    },
  };
}
