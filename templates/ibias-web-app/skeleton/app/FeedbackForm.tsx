'use client';

import { useState, type FormEvent } from 'react';

type State =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'sent'; id: string }
  | { kind: 'error'; message: string };

export function FeedbackForm() {
  const [message, setMessage] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setState({ kind: 'sending' });
    try {
      const res = await fetch('/api/v1/feedback', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message }),
      });
      const body = (await res.json()) as { id?: string; error?: string };
      if (!res.ok) {
        setState({ kind: 'error', message: body.error ?? res.statusText });
        return;
      }
      setState({ kind: 'sent', id: body.id ?? '' });
      setMessage('');
    } catch (e) {
      setState({ kind: 'error', message: String(e) });
    }
  }

  return (
    <form onSubmit={submit}>
      <label htmlFor="message">Message</label>
      <textarea
        id="message"
        value={message}
        onChange={e => setMessage(e.target.value)}
        rows={3}
        style={{ display: 'block', width: '100%', margin: '8px 0' }}
      />
      <button type="submit" disabled={state.kind === 'sending'}>
        Send
      </button>
      <p role="status">
        {state.kind === 'sent' && `Thanks! Feedback ${state.id} received.`}
        {state.kind === 'error' && `Could not send: ${state.message}`}
      </p>
    </form>
  );
}
