export { HistoryTable, type HistoryTableProps } from './HistoryTable';
export {
  HISTORY_PERIODS,
  type HistoryFilter,
  type HistoryPeriod,
} from './filters';
