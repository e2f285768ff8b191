import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { service } from './service';

export const metadata: Metadata = {
  title: service.name,
  description: service.description,
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body
        style={{
          margin: 0,
          fontFamily: 'system-ui, sans-serif',
          background: '#f6f7f9',
          color: '#1b1f24',
        }}
      >
        {children}
      </body>
    </html>
  );
}
