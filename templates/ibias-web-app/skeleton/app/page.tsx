import { FeedbackForm } from './FeedbackForm';
import { service } from './service';

export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <main style={{ maxWidth: 720, margin: '0 auto', padding: '48px 24px' }}>
      <h1 style={{ marginBottom: 8 }}>{service.name}</h1>
      <p style={{ marginTop: 0, color: '#4a5260' }}>{service.description}</p>
      <p data-testid="version">
        Version <strong>{process.env.IBIAS_VERSION ?? service.version}</strong>{' '}
        · environment{' '}
        <strong>{process.env.IBIAS_ENVIRONMENT ?? 'development'}</strong>
      </p>
      <section
        style={{
          background: '#fff',
          borderRadius: 8,
          padding: 24,
          boxShadow: '0 1px 3px rgba(0,0,0,.12)',
        }}
      >
        <h2 style={{ marginTop: 0 }}>Send feedback</h2>
        <FeedbackForm />
      </section>
    </main>
  );
}
