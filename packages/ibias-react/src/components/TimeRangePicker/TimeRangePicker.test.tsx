import { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import { chooseOption, optionNames } from '../../testUtils';
import { TimeRangePicker } from './TimeRangePicker';
import {
  timeRangeBounds,
  toTimeRange,
  withPreset,
  type TimeRange,
  type TimeRangePreset,
} from './timeRanges';

describe('timeRangeBounds', () => {
  it.each<[TimeRangePreset, string, string]>([
    ['7d', '2026-12-06T16:00:00.000Z', '2026-11-29T16:00:00.000Z'],
    ['30d', '2026-03-01T00:00:00.000Z', '2026-01-30T00:00:00.000Z'],
    ['90d', '2026-12-06T16:00:00.000Z', '2026-09-07T16:00:00.000Z'],
    ['12m', '2026-03-31T12:00:00.000Z', '2025-03-31T12:00:00.000Z'],
    // 29 February a year back is clamped to 28 February, not carried to 1 March
    ['12m', '2028-02-29T08:30:00.000Z', '2027-02-28T08:30:00.000Z'],
    ['24m', '2026-01-15T00:00:00.000Z', '2024-01-15T00:00:00.000Z'],
    ['12m', '2026-05-31T00:00:00.000Z', '2025-05-31T00:00:00.000Z'],
  ])('%s up to %s starts at %s', (preset, now, from) => {
    expect(timeRangeBounds(preset, new Date(now))).toEqual({ from, to: now });
  });
});

describe('toTimeRange', () => {
  it.each<[string | null, string | null, TimeRange]>([
    ['90d', 'week', { preset: '90d', granularity: 'week' }],
    // nothing in the URL: the default
    [null, null, { preset: '12m', granularity: 'month' }],
    // unknown values fall back
    ['5y', 'hour', { preset: '12m', granularity: 'month' }],
    // a granularity that does not suit the range takes the range's usual one
    ['7d', 'quarter', { preset: '7d', granularity: 'day' }],
    ['24m', 'day', { preset: '24m', granularity: 'month' }],
    ['30d', null, { preset: '30d', granularity: 'day' }],
  ])('%p, %p', (preset, granularity, expected) => {
    expect(toTimeRange(preset, granularity)).toEqual(expected);
  });

  it('keeps a granularity that still suits the new preset', () => {
    expect(withPreset({ preset: '90d', granularity: 'week' }, '12m')).toEqual({
      preset: '12m',
      granularity: 'week',
    });
    expect(withPreset({ preset: '90d', granularity: 'day' }, '12m')).toEqual({
      preset: '12m',
      granularity: 'month',
    });
  });
});

describe('TimeRangePicker', () => {
  function Harness(props: {
    initial: TimeRange;
    onChange: (r: TimeRange) => void;
  }) {
    const [value, setValue] = useState(props.initial);
    return (
      <TimeRangePicker
        value={value}
        onChange={next => {
          props.onChange(next);
          setValue(next);
        }}
      />
    );
  }

  it('shows the current range and granularity', () => {
    render(
      <TimeRangePicker
        value={{ preset: '90d', granularity: 'week' }}
        onChange={jest.fn()}
      />,
    );
    expect(
      within(screen.getByTestId('time-range-preset')).getByRole('button'),
    ).toHaveTextContent('Last 90 days');
    expect(
      within(screen.getByTestId('time-range-granularity')).getByRole('button'),
    ).toHaveTextContent('Week');
  });

  it('offers only the granularities that suit the range', async () => {
    render(
      <TimeRangePicker
        value={{ preset: '30d', granularity: 'day' }}
        onChange={jest.fn()}
      />,
    );
    expect(await optionNames('time-range-granularity')).toEqual([
      'Day',
      'Week',
    ]);
  });

  it('offers the presets given', async () => {
    render(
      <TimeRangePicker
        value={{ preset: '12m', granularity: 'month' }}
        onChange={jest.fn()}
        presets={['12m', '24m']}
      />,
    );
    expect(await optionNames('time-range-preset')).toEqual([
      'Last 12 months',
      'Last 24 months',
    ]);
  });

  it('changes the range, and the granularity when the old one no longer suits', async () => {
    const onChange = jest.fn();
    render(
      <Harness
        initial={{ preset: '12m', granularity: 'quarter' }}
        onChange={onChange}
      />,
    );
    await chooseOption('time-range-preset', 'Last 30 days');
    expect(onChange).toHaveBeenLastCalledWith({
      preset: '30d',
      granularity: 'day',
    });
    await chooseOption('time-range-granularity', 'Week');
    expect(onChange).toHaveBeenLastCalledWith({
      preset: '30d',
      granularity: 'week',
    });
    expect(onChange).toHaveBeenCalledTimes(2);
  });
});
