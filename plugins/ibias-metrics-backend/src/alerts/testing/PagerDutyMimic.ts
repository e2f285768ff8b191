import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for PagerDuty's Events API v2 on a real loopback socket: it validates
// events the way PagerDuty documents (400 `invalid event` with a list of errors), records
// what it accepted, and can be told to answer the next requests with a status or by
// cutting the connection.
export type ScriptedAnswer = number | 'reset';

export interface ReceivedRequest {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

export class PagerDutyMimic {
  readonly requests: ReceivedRequest[] = [];
  /** Events it answered 202 to, as sent. */
  readonly events: Array<Record<string, any>> = [];
  /** Answers for the next requests, in order; validation applies once it is empty. */
  readonly script: ScriptedAnswer[] = [];
  /** Quote the routing key back in 400s, as a careless API might. */
  quoteRoutingKey = false;
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Forgets what it received and any scripted answers left. */
  reset() {
    this.requests.length = 0;
    this.events.length = 0;
    this.script.length = 0;
    this.quoteRoutingKey = false;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({
      method: req.method,
      url: req.url,
      contentType: req.headers['content-type'],
      body,
    });
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const scripted = this.script.shift();
    if (scripted === 'reset') {
      req.socket.destroy();
      return;
    }
    if (scripted !== undefined) {
      answer(scripted, {
        status: scripted === 429 ? 'throttle event' : 'error',
        message: `scripted ${scripted}`,
      });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
      answer(404, { status: 'not found', message: 'Not Found' });
      return;
    }
    if (!req.headers['content-type']?.startsWith('application/json')) {
      answer(400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Content-Type must be application/json'],
      });
      return;
    }
    let event: Record<string, any>;
    try {
      event = JSON.parse(body);
    } catch {
      answer(400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Could not parse the body as JSON'],
      });
      return;
    }
    const errors = this.validate(event);
    if (errors.length > 0) {
      answer(400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors,
      });
      return;
    }
    this.events.push(event);
    answer(202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: event.dedup_key,
    });
  }

  private validate(event: Record<string, any>): string[] {
    const errors: string[] = [];
    const blank = (value: unknown) =>
      typeof value !== 'string' || value.trim() === '';
    if (blank(event.routing_key)) {
      errors.push("'routing_key' is missing or blank");
    } else if (event.routing_key.length !== 32) {
      errors.push(
        this.quoteRoutingKey
          ? `Routing key '${event.routing_key}' is unknown`
          : "Length of 'routing_key' is incorrect (should be 32 characters)",
      );
    }
    if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action)) {
      errors.push(
        "'event_action' is invalid (must be one of trigger, acknowledge, resolve)",
      );
    }
    if (event.event_action !== 'trigger' && blank(event.dedup_key)) {
      errors.push("'dedup_key' is missing or blank");
    }
    if (typeof event.dedup_key === 'string' && event.dedup_key.length > 255) {
      errors.push("Length of 'dedup_key' is too long (maximum 255)");
    }
    if (event.event_action === 'trigger') {
      const payload = event.payload ?? {};
      if (blank(payload.summary)) {
        errors.push("'payload.summary' is missing or blank");
      } else if (payload.summary.length > 1024) {
        errors.push("Length of 'payload.summary' is too long (maximum 1024)");
      }
      if (blank(payload.source)) {
        errors.push("'payload.source' is missing or blank");
      }
      if (
        !['critical', 'error', 'warning', 'info'].includes(payload.severity)
      ) {
        errors.push(
          "'payload.severity' is invalid (must be one of critical, error, warning, info)",
        );
      }
    }
    return errors;
  }
}
