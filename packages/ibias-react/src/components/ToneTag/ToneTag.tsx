import type { ReactNode } from 'react';

/**
 * The one place where a state gets its colour: a tone, drawn with @backstage/ui's theme
 * variables, so light and dark mode both work and nothing holds a colour of its own.
 */
export type Tone = 'success' | 'danger' | 'warning' | 'info' | 'neutral';

/** Background, text and border of a tag in each tone (the theme's subdued intents). */
const TONE_COLORS: Record<
  Tone,
  { background: string; color: string; borderColor: string }
> = {
  success: {
    background: 'var(--bui-positive-bg-subdued)',
    color: 'var(--bui-positive-fg-subdued)',
    borderColor: 'var(--bui-positive-border)',
  },
  danger: {
    background: 'var(--bui-negative-bg-subdued)',
    color: 'var(--bui-negative-fg-subdued)',
    borderColor: 'var(--bui-negative-border)',
  },
  warning: {
    background: 'var(--bui-warning-bg-subdued)',
    color: 'var(--bui-warning-fg-subdued)',
    borderColor: 'var(--bui-warning-border)',
  },
  info: {
    background: 'var(--bui-announcement-bg-subdued)',
    color: 'var(--bui-announcement-fg-subdued)',
    borderColor: 'var(--bui-announcement-border)',
  },
  neutral: {
    background: 'var(--bui-bg-neutral-2)',
    color: 'var(--bui-fg-secondary)',
    borderColor: 'var(--bui-border-1)',
  },
};

export function toneColors(tone: Tone) {
  return TONE_COLORS[tone];
}

/** A small rounded label in a tone of the theme. */
export function ToneTag(props: {
  tone: Tone;
  children: ReactNode;
  'data-testid'?: string;
}) {
  return (
    <span
      data-testid={props['data-testid']}
      data-tone={props.tone}
      style={{
        ...toneColors(props.tone),
        borderWidth: 1,
        borderStyle: 'solid',
        display: 'inline-flex',
        alignItems: 'center',
        padding: '2px 8px',
        borderRadius: 'var(--bui-radius-full)',
        fontSize: 'var(--bui-font-size-2)',
        fontWeight: 'var(--bui-font-weight-bold)' as 'bold',
        lineHeight: 1.4,
        whiteSpace: 'nowrap',
      }}
    >
      {props.children}
    </span>
  );
}
