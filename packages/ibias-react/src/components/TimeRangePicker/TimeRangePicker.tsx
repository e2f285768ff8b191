import { Flex, Select } from '@backstage/ui';
import {
  TIME_RANGE_PRESETS,
  granularitiesFor,
  granularityLabel,
  isGranularity,
  isTimeRangePreset,
  presetLabel,
  withPreset,
  type TimeRange,
  type TimeRangePreset,
} from './timeRanges';

export interface TimeRangePickerProps {
  value: TimeRange;
  onChange(next: TimeRange): void;
  /** The presets offered, in order; all of them unless given. */
  presets?: readonly TimeRangePreset[];
  'data-testid'?: string;
}

/**
 * Picks a range ("Last 90 days") and what one point covers (day, week, month, quarter).
 * Controlled: keep the value in the URL with `useTimeRangeUrlState` so links keep it.
 * Only granularities that suit the range are offered; changing the range keeps the
 * granularity when it still suits, else takes the range's usual one.
 */
export function TimeRangePicker(props: TimeRangePickerProps) {
  const presets = props.presets ?? TIME_RANGE_PRESETS;
  return (
    <Flex gap="3" align="end" data-testid={props['data-testid']}>
      <Select
        label="Range"
        data-testid="time-range-preset"
        style={{ minWidth: 160 }}
        options={presets.map(p => ({ id: p, label: presetLabel(p) }))}
        value={props.value.preset}
        onChange={key => {
          if (isTimeRangePreset(key) && key !== props.value.preset) {
            props.onChange(withPreset(props.value, key));
          }
        }}
      />
      <Select
        label="Per"
        data-testid="time-range-granularity"
        style={{ minWidth: 120 }}
        options={granularitiesFor(props.value.preset).map(g => ({
          id: g,
          label: granularityLabel(g),
        }))}
        value={props.value.granularity}
        onChange={key => {
          if (isGranularity(key) && key !== props.value.granularity) {
            props.onChange({ ...props.value, granularity: key });
          }
        }}
      />
    </Flex>
  );
}
