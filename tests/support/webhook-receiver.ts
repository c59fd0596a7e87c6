import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** The OMS's end of the webhooks: a loopback HTTP server that hands each request's body to `handle`. */
export type WebhookReceiver = { url: string; close: () => Promise<void> };

export async function startWebhookReceiver(
  handle: (request: IncomingMessage, body: string, response: ServerResponse) => void,
): Promise<WebhookReceiver> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
