import { act, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import {
  patchSearchParams,
  readUrlState,
  useTimeRangeUrlState,
  useUrlState,
  type UrlState,
} from './useUrlState';

/** A router at `url`, with v7's behaviour (and so without its warnings). */
function Router(props: { url: string; children: ReactNode }) {
  return (
    <MemoryRouter
      initialEntries={[props.url]}
      future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
    >
      {props.children}
    </MemoryRouter>
  );
}

type Keys = 'range' | 'team' | 'provider';
const defaults: UrlState<Keys> = {
  range: '12m',
  team: undefined,
  provider: undefined,
};

describe('readUrlState', () => {
  it.each<[string, UrlState<Keys>]>([
    ['', defaults],
    ['range=90d', { range: '90d', team: undefined, provider: undefined }],
    [
      'team=payments&provider=openai&other=x',
      { range: '12m', team: 'payments', provider: 'openai' },
    ],
    ['team=', { range: '12m', team: '', provider: undefined }],
  ])('?%s', (query, expected) => {
    expect(readUrlState(new URLSearchParams(query), defaults)).toEqual(
      expected,
    );
  });
});

describe('patchSearchParams', () => {
  it.each<[string, Partial<UrlState<Keys>>, string]>([
    ['', { range: '90d' }, 'range=90d'],
    // back to the default: gone from the URL
    ['range=90d&team=a', { range: '12m' }, 'team=a'],
    ['range=90d&team=a', { team: undefined }, 'range=90d'],
    // keys the page does not own stay
    ['tab=costs', { provider: 'anthropic' }, 'tab=costs&provider=anthropic'],
    // values are encoded
    ['', { team: 'a&b=c' }, 'team=a%26b%3Dc'],
  ])('?%s + %p → ?%s', (query, patch, expected) => {
    expect(
      patchSearchParams(new URLSearchParams(query), patch, defaults).toString(),
    ).toBe(expected);
  });
});

function ShowLocation() {
  const location = useLocation();
  return <output data-testid="location">{location.search}</output>;
}

describe('useUrlState', () => {
  let set: (patch: Partial<UrlState<Keys>>) => void = () => {};
  const states: Array<UrlState<Keys>> = [];
  function Page() {
    const [state, setState] = useUrlState<Keys>({
      range: '12m',
      team: undefined,
      provider: undefined,
    });
    set = setState;
    states.push(state);
    return <span data-testid="state">{JSON.stringify(state)}</span>;
  }

  beforeEach(() => {
    states.length = 0;
  });

  it('reads a deep link, writes changes back to the URL and keeps other params', () => {
    render(
      <Router url="/metrics?range=90d&team=payments&tab=kpis">
        <Page />
        <ShowLocation />
      </Router>,
    );
    expect(JSON.parse(screen.getByTestId('state').textContent ?? '')).toEqual({
      range: '90d',
      team: 'payments',
    });

    act(() => set({ provider: 'openai', range: '12m' }));
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?team=payments&tab=kpis&provider=openai',
    );
    expect(JSON.parse(screen.getByTestId('state').textContent ?? '')).toEqual({
      range: '12m',
      team: 'payments',
      provider: 'openai',
    });
  });

  it('hands out the same state object until the URL changes', () => {
    const { rerender } = render(
      <Router url="/?range=90d">
        <Page />
      </Router>,
    );
    rerender(
      <Router url="/?range=90d">
        <Page />
      </Router>,
    );
    expect(states.length).toBeGreaterThanOrEqual(2);
    expect(states[states.length - 1]).toBe(states[0]);
  });
});

describe('useTimeRangeUrlState', () => {
  let setRange: ReturnType<typeof useTimeRangeUrlState>[1] = () => {};
  function Page() {
    const [range, set] = useTimeRangeUrlState();
    setRange = set;
    return (
      <span data-testid="range">
        {range.preset}/{range.granularity}
      </span>
    );
  }

  it.each([
    ['/', '12m/month'],
    ['/?range=30d&per=week', '30d/week'],
    // a hand-edited link falls back rather than break the page
    ['/?range=forever&per=week', '12m/week'],
    ['/?range=7d&per=quarter', '7d/day'],
  ])('%s shows %s', (url, expected) => {
    render(
      <Router url={url}>
        <Page />
      </Router>,
    );
    expect(screen.getByTestId('range')).toHaveTextContent(expected);
  });

  it('writes the range to the URL, and nothing when it is the default', () => {
    render(
      <Router url="/?team=a">
        <Page />
        <ShowLocation />
      </Router>,
    );
    act(() => setRange({ preset: '90d', granularity: 'week' }));
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?team=a&range=90d&per=week',
    );
    act(() => setRange({ preset: '12m', granularity: 'month' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\?team=a$/);
  });
});
