// POST /api/v1/feedback: a validated JSON endpoint (zod), answering 4xx with a message.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

const MAX_BODY_BYTES = 100 * 1024;
const feedback = z.strictObject({
  message: z.string().trim().min(1).max(1000),
  rating: z.number().int().min(1).max(5).optional(),
});

function error(status: number, message: string, details?: unknown) {
  return Response.json({ error: message, details }, { status });
}

export async function POST(request: Request) {
  if (!request.headers.get('content-type')?.startsWith('application/json')) {
    return error(415, 'Content-Type must be application/json');
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    return error(413, `Body larger than ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return error(400, 'Body is not valid JSON');
  }
  const parsed = feedback.safeParse(body);
  if (!parsed.success) {
    return error(400, 'Invalid request body', parsed.error.issues);
  }
  return Response.json(
    { id: randomUUID(), receivedAt: new Date().toISOString() },
    { status: 201 },
  );
}
