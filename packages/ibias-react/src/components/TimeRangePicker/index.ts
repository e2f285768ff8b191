export { TimeRangePicker, type TimeRangePickerProps } from './TimeRangePicker';
export {
  DEFAULT_TIME_RANGE,
  GRANULARITIES,
  TIME_RANGE_PRESETS,
  granularitiesFor,
  granularityLabel,
  isGranularity,
  isTimeRangePreset,
  presetLabel,
  timeRangeBounds,
  toTimeRange,
  withPreset,
  type Granularity,
  type TimeRange,
  type TimeRangePreset,
} from './timeRanges';
